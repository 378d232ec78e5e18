use proptest::prelude::*;

use super::*;

/// A fixture from `tests/fixtures/inbound/` with its blanks filled.
fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/inbound/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .unwrap()
        .replace("{OUTBOX}", "7.0123456789abcdef0123")
        .replace("{DOMAIN}", "in.publisher.test")
        .replace("{BUYER}", "ana@buyer.test")
        .replace("{REPLY_TO}", "reply+3.abc@in.publisher.test")
        .replace("{MESSAGE_ID}", "<ours-1@publisher.test>")
        .replace('\n', "\r\n")
        .into_bytes()
}

#[test]
fn a_postfix_delivery_report_is_a_bounce_naming_our_mail_and_its_status() {
    let mail = parse(&fixture("postfix_dsn.eml")).unwrap();
    assert_eq!(mail.kind, InboundKind::Bounce);
    assert_eq!(mail.bounce_status.as_deref(), Some("5.1.1"));
    assert_eq!(
        mail.bounced_message_id.as_deref(),
        Some("<ours-1@publisher.test>")
    );
    assert!(
        mail.recipients
            .contains(&"bounce+7.0123456789abcdef0123@in.publisher.test".into())
    );
}

#[test]
fn an_exchange_non_delivery_report_is_a_bounce_too() {
    let mail = parse(&fixture("exchange_dsn.eml")).unwrap();
    assert_eq!(mail.kind, InboundKind::Bounce);
    assert_eq!(mail.bounce_status.as_deref(), Some("5.1.10"));
    assert_eq!(
        mail.bounced_message_id.as_deref(),
        Some("<ours-1@publisher.test>")
    );
}

#[test]
fn an_out_of_office_answer_is_automatic_not_a_bounce() {
    let mail = parse(&fixture("out_of_office.eml")).unwrap();
    assert_eq!(mail.kind, InboundKind::AutoReply);
    assert_eq!(mail.thread, ["<ours-1@publisher.test>"]);
}

#[test]
fn an_html_reply_becomes_text_without_its_script_and_lists_its_attachment() {
    let mail = parse(&fixture("html_reply.eml")).unwrap();
    assert_eq!(mail.kind, InboundKind::Reply);
    assert_eq!(mail.sender, "ana@buyer.test");
    assert!(
        mail.text
            .contains("Yes, we need the enterprise licence & a call."),
        "{}",
        mail.text
    );
    assert!(!mail.text.contains("alert"), "{}", mail.text);
    assert!(!mail.text.contains('<'), "{}", mail.text);
    assert_eq!(mail.attachments.len(), 1);
    assert_eq!(mail.attachments[0].name, "purchase-order.pdf");
    assert!(mail.attachments[0].size > 0);
}

#[test]
fn oversized_empty_and_headerless_input_is_refused_with_a_reason() {
    assert_eq!(parse(&vec![b'a'; MAX_BYTES + 1]), Err(Unreadable::TooLarge));
    assert_eq!(parse(b"  \r\n"), Err(Unreadable::Empty));
    assert!(matches!(
        parse(b"no headers here"),
        Err(Unreadable::Malformed(_))
    ));
}

proptest! {
    #[test]
    fn no_input_makes_the_parser_panic(raw in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse(&raw);
    }

    #[test]
    fn no_markup_makes_the_html_reader_panic(html in "[<>/a-z &;#0-9\"'=\u{e9}\u{4e2d}]{0,300}") {
        let _ = html_to_text(&html);
    }
}
