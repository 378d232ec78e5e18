//! The offers' mails: to the admins when one waits for approval, to its
//! proposer when it is decided, the quote to the buyer, and to the owner
//! and the sales inbox when the buyer accepts or asks for a new quote.

use askama::Template;

use super::compose::{MailSetup, mailbox, message_id, one_line};
use crate::db::models::outbox::NewMail;
use crate::domain::mail_kind::MailKind;
use crate::domain::publisher::Publisher;

/// What every offer mail says about the offer.
pub struct OfferFacts<'a> {
    pub offer_id: i64,
    pub lead_id: i64,
    pub report_title: &'a str,
    pub licence: &'a str,
    pub company: &'a str,
    /// "USD 5,500.00 (15.4 % off USD 6,499.00)".
    pub terms: &'a str,
    /// In the desk's time zone.
    pub valid_until: &'a str,
}

#[derive(Template)]
#[template(path = "mail/offer_notice.txt")]
struct NoticeText<'a> {
    name: &'a str,
    lines: &'a [String],
    link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/offer_notice.html")]
struct NoticeHtml<'a> {
    name: &'a str,
    lines: &'a [String],
    link: &'a str,
    link_text: &'a str,
}

/// A mail to a person at the desk about an offer, linking to its lead.
pub struct StaffNotice<'a> {
    pub kind: MailKind,
    /// (name, address); the sales inbox has no name.
    pub to: (&'a str, &'a str),
    pub subject: String,
    pub lines: Vec<String>,
}

pub fn staff_notice(
    notice: StaffNotice<'_>,
    facts: &OfferFacts<'_>,
    setup: &MailSetup,
) -> anyhow::Result<NewMail> {
    let link = format!("{}/admin/leads/{}#offers", setup.public_base, facts.lead_id);
    let (name, address) = notice.to;
    let greeting = if name.is_empty() { "sales team" } else { name };
    Ok(NewMail {
        lead_id: Some(facts.lead_id),
        kind: notice.kind,
        to_addr: if name.is_empty() {
            address.to_owned()
        } else {
            mailbox(name, address)
        },
        reply_to: None,
        subject: one_line(&notice.subject),
        body_text: NoticeText {
            name: greeting,
            lines: &notice.lines,
            link: &link,
        }
        .render()?,
        body_html: NoticeHtml {
            name: greeting,
            lines: &notice.lines,
            link: &link,
            link_text: "Open the lead",
        }
        .render()?,
        message_id: message_id(&setup.mail_domain),
        from_name: None,
        thread: None,
    })
}

/// The offer's one-line summary for staff mails.
pub fn summary(facts: &OfferFacts<'_>) -> String {
    format!(
        "Offer {} to {} for {} ({} licence): {}, valid until {}.",
        facts.offer_id,
        facts.company,
        facts.report_title,
        facts.licence,
        facts.terms,
        facts.valid_until
    )
}

#[derive(Template)]
#[template(path = "mail/quote.txt")]
struct QuoteText<'a> {
    buyer: &'a str,
    report_title: &'a str,
    licence: &'a str,
    list_price: &'a str,
    discount: &'a str,
    price: &'a str,
    valid_until: &'a str,
    link: &'a str,
    writer: &'a str,
    publisher: &'a Publisher,
}

#[derive(Template)]
#[template(path = "mail/quote.html")]
struct QuoteHtml<'a> {
    buyer: &'a str,
    report_title: &'a str,
    licence: &'a str,
    list_price: &'a str,
    discount: &'a str,
    price: &'a str,
    valid_until: &'a str,
    link: &'a str,
    writer: &'a str,
    publisher: &'a Publisher,
}

/// The quote as the buyer gets it.
pub struct Quote<'a> {
    pub facts: OfferFacts<'a>,
    pub buyer_name: &'a str,
    pub buyer_email: &'a str,
    pub list_price: &'a str,
    pub discount: &'a str,
    pub price: &'a str,
    /// The `/quotes/{token}` path.
    pub path: &'a str,
    pub writer: &'a str,
    /// The lead's earlier Message-IDs: the quote joins the conversation.
    pub thread: &'a [String],
}

pub fn quote_mail(q: &Quote<'_>, setup: &MailSetup) -> anyhow::Result<NewMail> {
    let link = format!("{}{}", setup.public_base, q.path);
    let f = &q.facts;
    let publisher_name = match setup.publisher.name.trim() {
        "" => "the research desk",
        name => name,
    };
    macro_rules! fill {
        ($t:ident) => {
            $t {
                buyer: q.buyer_name,
                report_title: f.report_title,
                licence: f.licence,
                list_price: q.list_price,
                discount: q.discount,
                price: q.price,
                valid_until: f.valid_until,
                link: &link,
                writer: q.writer,
                publisher: &setup.publisher,
            }
            .render()?
        };
    }
    Ok(NewMail {
        lead_id: Some(f.lead_id),
        kind: MailKind::Quote,
        to_addr: mailbox(q.buyer_name, q.buyer_email),
        reply_to: setup.replies.as_ref().map(|r| r.reply_to(f.lead_id)),
        subject: one_line(&format!("Your quote for {}", f.report_title)),
        body_text: fill!(QuoteText),
        body_html: fill!(QuoteHtml),
        message_id: message_id(&setup.mail_domain),
        from_name: Some(one_line(&format!("{} via {publisher_name}", q.writer))),
        thread: (!q.thread.is_empty()).then(|| q.thread.join(" ")),
    })
}
