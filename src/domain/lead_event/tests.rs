use super::*;

fn every_kind() -> Vec<LeadEvent> {
    vec![
        LeadEvent::Created {
            score: 40,
            reasons: vec!["company email domain".into()],
            spam_reason: None,
        },
        LeadEvent::StatusChanged {
            from: LeadStatus::New,
            to: LeadStatus::Lost,
            reason: Some("Jane chose a rival".into()),
        },
        LeadEvent::Assigned {
            from: None,
            to: Some(3),
            by: Some("round-robin".into()),
        },
        LeadEvent::Note {
            text: "Called Jane".into(),
        },
        LeadEvent::Released {
            spam_reason: Some("honeypot field was filled".into()),
        },
        LeadEvent::MailDead {
            outbox_id: 7,
            mail: MailKind::BuyerConfirmation,
            attempts: 8,
            error: "550 no such user jane@acme.test".into(),
        },
        LeadEvent::Erased { on_request: true },
        LeadEvent::Erased { on_request: false },
        LeadEvent::Escalated {
            late_seconds: 65,
            owner: Some(3),
        },
        LeadEvent::SampleSent {
            delivery_id: 4,
            version: "9e2d1820f433".into(),
            expires_at: 1_800_000_000,
        },
        LeadEvent::SampleDownloaded {
            delivery_id: 4,
            count: 2,
        },
        LeadEvent::MailWritten {
            outbox_id: 4,
            subject: "Re: your inquiry".into(),
        },
        LeadEvent::ContactLogged {
            channel: "call".into(),
            note: "Wants APAC".into(),
        },
        LeadEvent::BuyerReplied { inbound_id: 2 },
        LeadEvent::AutoReplied { inbound_id: 3 },
        LeadEvent::MailBounced {
            outbox_id: 4,
            inbound_id: 5,
            status: Some("5.1.1".into()),
        },
        LeadEvent::FollowUpSet {
            due_at: 1_800_000_000,
            action: "Send the quote".into(),
        },
    ]
}

#[test]
fn every_event_reads_back_as_it_was_stored() {
    for event in every_kind() {
        let read = LeadEvent::from_stored(event.kind(), &event.detail()).unwrap();
        assert_eq!(read, event);
    }
}

#[test]
fn details_keep_the_shape_stored_before_events_were_typed() {
    let changed = LeadEvent::StatusChanged {
        from: LeadStatus::New,
        to: LeadStatus::Contacted,
        reason: None,
    };
    let json: serde_json::Value = serde_json::from_str(&changed.detail()).unwrap();
    assert_eq!(json["from"], "new");
    assert_eq!(json["to"], "contacted");
    assert!(json.get("kind").is_none());
    let old = r#"{"score":55,"reasons":["a"],"spam_reason":null}"#;
    assert!(matches!(
        LeadEvent::from_stored("created", old).unwrap(),
        LeadEvent::Created { score: 55, .. }
    ));
}

#[test]
fn redacting_leaves_nothing_personal_and_keeps_the_rest() {
    for event in every_kind() {
        let redacted = event.redacted();
        let text = redacted.detail();
        for personal in ["Jane", "jane", "rival", "company email", "honeypot"] {
            assert!(!text.contains(personal), "{text}");
        }
        assert_eq!(redacted.kind(), event.kind());
    }
    let erased_before = LeadEvent::from_stored("created", ERASED).unwrap();
    assert!(matches!(erased_before, LeadEvent::Created { .. }));
}

#[test]
fn a_status_change_with_a_reason_holds_personal_data() {
    let with_reason = LeadEvent::StatusChanged {
        from: LeadStatus::New,
        to: LeadStatus::Lost,
        reason: Some("x".into()),
    };
    assert!(with_reason.holds_personal_data());
    let assigned = LeadEvent::Assigned {
        from: None,
        to: Some(1),
        by: None,
    };
    assert!(!assigned.holds_personal_data());
}
