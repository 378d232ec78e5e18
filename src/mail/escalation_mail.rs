//! Overdue digests: one mail per owner listing their leads that went past the
//! first-response target in a sweep, and one to the sales inbox listing all.
//! They carry no buyer data (no name, company or address), so erasing a buyer
//! has nothing to find in them.

use std::collections::BTreeMap;

use askama::Template;

use super::compose::{MailSetup, mailbox, message_id, one_line};
use crate::db::models::outbox::NewMail;
use crate::db::queries::overdue::OverdueLead;
use crate::domain::mail_kind::MailKind;
use crate::domain::response_clock::lateness;

/// Leads listed one by one in a digest; the rest are counted and linked.
pub const DIGEST_LISTED: usize = 50;

/// One overdue lead as a digest line.
pub struct OverdueLine {
    /// "An inquiry".
    pub kind: &'static str,
    pub report_title: String,
    /// "20 min past the target", or "just past the target" within a minute.
    pub lateness: String,
    pub received: String,
    pub owner: String,
    pub admin_url: String,
    late_seconds: i64,
}

/// What a digest says, in both its parts.
struct Digest<'a> {
    /// "Sam Sales" or "the sales desk".
    greeting: &'a str,
    lines: &'a [OverdueLine],
    /// Leads past the listed ones.
    more: usize,
    list_url: String,
}

#[derive(Template)]
#[template(path = "mail/escalation.txt")]
struct DigestText<'a> {
    d: &'a Digest<'a>,
}

#[derive(Template)]
#[template(path = "mail/escalation.html")]
struct DigestHtml<'a> {
    d: &'a Digest<'a>,
}

fn line(lead: &OverdueLead, late_seconds: i64, setup: &MailSetup) -> OverdueLine {
    OverdueLine {
        kind: lead.kind.with_article(),
        report_title: lead.report_title.clone(),
        lateness: lateness(late_seconds),
        received: setup.targets.hours.format(lead.created_at),
        owner: lead
            .owner_name
            .clone()
            .unwrap_or_else(|| "nobody yet".to_owned()),
        admin_url: format!("{}/admin/leads/{}", setup.public_base, lead.id),
        late_seconds,
    }
}

fn digest(
    to_addr: String,
    greeting: &str,
    mut lines: Vec<OverdueLine>,
    setup: &MailSetup,
) -> anyhow::Result<NewMail> {
    // The longest waiting first: they are answered first.
    lines.sort_by_key(|l| std::cmp::Reverse(l.late_seconds));
    let total = lines.len();
    lines.truncate(DIGEST_LISTED);
    let d = Digest {
        greeting,
        lines: &lines,
        more: total - lines.len(),
        list_url: format!("{}/admin/leads?status=new", setup.public_base),
    };
    let subject = if total == 1 {
        format!("[Overdue] {} is past its response target", lines[0].kind)
    } else {
        format!("[Overdue] {total} leads are past their response target")
    };
    Ok(NewMail {
        lead_id: None,
        kind: MailKind::Escalation,
        to_addr,
        reply_to: None,
        subject: one_line(&subject),
        body_text: DigestText { d: &d }.render()?,
        body_html: DigestHtml { d: &d }.render()?,
        message_id: message_id(&setup.mail_domain),
        from_name: None,
        thread: None,
    })
}

/// The digests of one sweep: one per owner with overdue leads, one to the
/// sales inbox with every lead. `overdue` pairs each lead with how late it is.
pub fn escalation_digests(
    overdue: &[(OverdueLead, i64)],
    setup: &MailSetup,
) -> anyhow::Result<Vec<NewMail>> {
    if overdue.is_empty() {
        return Ok(Vec::new());
    }
    let mut by_owner: BTreeMap<(String, String), Vec<OverdueLine>> = BTreeMap::new();
    for (lead, late) in overdue {
        if let (Some(name), Some(email)) = (&lead.owner_name, &lead.owner_email) {
            by_owner
                .entry((email.clone(), name.clone()))
                .or_default()
                .push(line(lead, *late, setup));
        }
    }
    let mut mails = Vec::with_capacity(by_owner.len() + 1);
    for ((email, name), lines) in by_owner {
        mails.push(digest(mailbox(&name, &email), &name, lines, setup)?);
    }
    let all = overdue
        .iter()
        .map(|(lead, late)| line(lead, *late, setup))
        .collect();
    mails.push(digest(
        one_line(&setup.sales_inbox),
        "the sales desk",
        all,
        setup,
    )?);
    Ok(mails)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lead_kind::LeadKind;
    use crate::domain::response_clock::ResponseTargets;
    use crate::domain::sample::{SampleRelease, SampleRules};

    fn setup() -> MailSetup {
        MailSetup {
            public_base: "https://reports.example".into(),
            sales_inbox: "sales@publisher.test".into(),
            mail_domain: "publisher.test".into(),
            targets: ResponseTargets {
                discount_seconds: 7200,
                sample_request_seconds: 14400,
                inquiry_seconds: 28800,
                hours: crate::domain::working_hours::WorkingHours::always(),
            },
            publisher: crate::domain::publisher::Publisher::new("", "", ""),
            sample_rules: SampleRules {
                release: SampleRelease::Business,
                min_score: 40,
                link_days: 7,
                max_downloads: 5,
            },
            sample_tokens: crate::security::sample_token::SampleTokens::new(&[1; 64]),
            quote_tokens: crate::security::signed_words::SignedWords::new(&[1; 64], "quotes"),
            replies: None,
        }
    }

    #[test]
    fn a_digest_lists_fifty_leads_longest_waiting_first_and_counts_the_rest() {
        let overdue: Vec<(OverdueLead, i64)> = (1..=52)
            .map(|id| {
                let lead = OverdueLead {
                    id,
                    kind: LeadKind::Inquiry,
                    created_at: 0,
                    report_title: "Report".into(),
                    owner_id: None,
                    owner_name: None,
                    owner_email: None,
                };
                (lead, id * 60)
            })
            .collect();
        let mails = escalation_digests(&overdue, &setup()).unwrap();
        assert_eq!(mails.len(), 1, "nobody owns them: the sales inbox alone");
        let text = &mails[0].body_text;
        assert_eq!(text.matches("/admin/leads/").count(), 50);
        assert!(text.contains("…and 2 more. Every new lead:"), "{text}");
        let first = text.find("/admin/leads/52").unwrap();
        assert!(
            first < text.find("/admin/leads/51").unwrap(),
            "longest waiting first"
        );
        assert!(
            !text.contains("/admin/leads/1\n"),
            "the shortest wait is counted, not listed"
        );
        assert_eq!(
            mails[0].subject,
            "[Overdue] 52 leads are past their response target"
        );
    }
}
