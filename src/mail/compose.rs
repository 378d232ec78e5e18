//! The two mails a real lead produces: the sales notification and the buyer's
//! confirmation, rendered from `templates/mail/` when the lead is stored.

use askama::Template;

pub use super::lead_facts::LeadFacts;
use crate::db::models::outbox::NewMail;
use crate::domain::attribution::Attribution;
use crate::domain::lead_kind::LeadKind;
use crate::domain::mail_kind::MailKind;
use crate::domain::owner::AssignedOwner;
pub use crate::domain::publisher::Publisher;
use crate::domain::response_clock::ResponseTargets;
use crate::domain::scoring::Score;

/// What composing mails needs to know of the installation.
#[derive(Debug, Clone)]
pub struct MailSetup {
    /// Absolute links in mails: `https://reports.example.com`.
    pub public_base: String,
    pub sales_inbox: String,
    /// The domain of our own From address, for Message-IDs.
    pub mail_domain: String,
    /// First-response targets: the sales notification says when a lead is due.
    pub targets: ResponseTargets,
    /// Who the buyer deals with, in every buyer mail's footer.
    pub publisher: Publisher,
    /// How samples are handed out, and the key their links are signed with.
    pub sample_rules: crate::domain::sample::SampleRules,
    pub sample_tokens: crate::security::sample_token::SampleTokens,
    /// Signs the quote links (`/quotes/{token}`): offer id and expiry.
    pub quote_tokens: crate::security::signed_words::SignedWords,
    /// When inbound mail is set up: the buyer's answers go to the lead's
    /// own `reply+…@` address instead of a person's mailbox.
    pub replies: Option<crate::security::reply_address::ReplyAddresses>,
}

/// The quote links' key purpose.
pub const QUOTE_LINK_PURPOSE: &str = "reportdesk quote link v1";

impl MailSetup {
    /// From the settings; `from` is the parsed `REPORTDESK_MAIL_FROM`.
    pub fn from_settings(
        settings: &crate::settings::Settings,
        secret_key: &[u8],
        from: &lettre::message::Mailbox,
    ) -> Self {
        Self {
            public_base: settings.public_base().to_owned(),
            sales_inbox: settings.sales_inbox.clone(),
            mail_domain: from.email.domain().to_owned(),
            targets: settings.response_targets(),
            publisher: Publisher::new(
                &settings.publisher_name,
                &settings.publisher_address,
                &settings.publisher_url,
            ),
            sample_rules: settings.sample_rules(),
            sample_tokens: crate::security::sample_token::SampleTokens::new(secret_key),
            quote_tokens: crate::security::signed_words::SignedWords::new(
                secret_key,
                QUOTE_LINK_PURPOSE,
            ),
            replies: settings.inbound_domain.as_deref().map(|domain| {
                crate::security::reply_address::ReplyAddresses::new(secret_key, domain)
            }),
        }
    }
}

/// The report a lead is about, as mails link to it.
#[derive(Debug, Clone, Copy)]
pub struct ReportLink<'a> {
    pub id: i64,
    pub slug: &'a str,
    pub title: &'a str,
}

/// What the templates may say about a lead.
pub struct LeadMailContext<'a> {
    pub lead_id: i64,
    pub request: &'a LeadFacts,
    pub report_title: &'a str,
    pub report_url: String,
    pub admin_url: String,
    pub score: &'a Score,
    pub attribution: &'a Attribution,
    /// When the lead came in (its response clock starts then).
    pub received_at: i64,
    /// For a sample request: the link, or that a person checks first.
    pub sample: SampleNotice,
}

/// What a sample request's confirmation says of the sample.
#[derive(Debug, Clone, Default)]
pub enum SampleNotice {
    /// Not a sample request.
    #[default]
    None,
    Link(crate::mail::sample_mail::SampleLink),
    AwaitingReview,
}

impl<'a> LeadMailContext<'a> {
    pub fn new(
        lead_id: i64,
        request: &'a LeadFacts,
        report: ReportLink<'a>,
        score: &'a Score,
        attribution: &'a Attribution,
        received_at: i64,
        setup: &MailSetup,
    ) -> Self {
        let base = &setup.public_base;
        Self {
            lead_id,
            request,
            report_title: report.title,
            report_url: format!("{base}/reports/{}", report.slug),
            admin_url: format!("{base}/admin/leads/{lead_id}"),
            score,
            attribution,
            received_at,
            sample: SampleNotice::None,
        }
    }
}

#[derive(Template)]
#[template(path = "mail/sales_notification.txt")]
struct SalesText<'a> {
    m: &'a LeadMailContext<'a>,
    owner: &'a str,
    due: &'a str,
}

#[derive(Template)]
#[template(path = "mail/sales_notification.html")]
struct SalesHtml<'a> {
    m: &'a LeadMailContext<'a>,
    owner: &'a str,
    due: &'a str,
}

#[derive(Template)]
#[template(path = "mail/buyer_confirmation.txt")]
struct BuyerText<'a> {
    m: &'a LeadMailContext<'a>,
    p: &'a Publisher,
    privacy_url: &'a str,
    reply: &'a ReplyPromise,
}

#[derive(Template)]
#[template(path = "mail/buyer_confirmation.html")]
struct BuyerHtml<'a> {
    m: &'a LeadMailContext<'a>,
    p: &'a Publisher,
    privacy_url: &'a str,
    reply: &'a ReplyPromise,
}

impl LeadMailContext<'_> {
    pub fn kind_label(&self) -> &'static str {
        self.request.kind.label()
    }

    pub fn phone(&self) -> &str {
        self.request.phone.as_deref().unwrap_or("")
    }

    pub fn licence(&self) -> &'static str {
        self.request.licence.unwrap_or("")
    }

    fn or_dash(value: Option<&str>) -> &str {
        value.filter(|v| !v.is_empty()).unwrap_or("–")
    }

    pub fn utm_source(&self) -> &str {
        Self::or_dash(self.attribution.utm_source.as_deref())
    }

    pub fn utm_medium(&self) -> &str {
        Self::or_dash(self.attribution.utm_medium.as_deref())
    }

    pub fn utm_campaign(&self) -> &str {
        Self::or_dash(self.attribution.utm_campaign.as_deref())
    }

    pub fn referrer(&self) -> &str {
        Self::or_dash(self.attribution.referrer.as_deref())
    }

    pub fn landing_path(&self) -> &str {
        Self::or_dash(self.attribution.landing_path.as_deref())
    }

    pub fn sample_url(&self) -> Option<&str> {
        match &self.sample {
            SampleNotice::Link(link) => Some(&link.url),
            _ => None,
        }
    }

    pub fn sample_terms(&self) -> String {
        match &self.sample {
            SampleNotice::Link(link) => link.terms(),
            _ => String::new(),
        }
    }

    pub fn sample_awaits_review(&self) -> bool {
        matches!(self.sample, SampleNotice::AwaitingReview)
    }

    /// What the buyer asked for, in their words.
    pub fn request_summary(&self) -> &'static str {
        match self.request.kind {
            LeadKind::SampleRequest => "a free sample of the report",
            LeadKind::Inquiry => "an answer from our analysts",
            LeadKind::Discount => "a discounted price for a licence",
        }
    }
}

/// When the buyer hears from us: the kind's first-response target.
pub struct ReplyPromise {
    /// "4 hours".
    pub within: String,
    /// "26 Nov 2026, 18:00 UTC".
    pub by: String,
}

/// Mail headers are one line; values from buyers are made sure of it here too,
/// whatever the form checks upstream.
pub(crate) fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A `Display Name <address>` mailbox with the name reduced to safe characters.
pub(crate) fn mailbox(name: &str, address: &str) -> String {
    let name: String = one_line(name)
        .chars()
        .filter(|c| !"\"<>\\,;:@".contains(*c))
        .collect();
    format!("\"{}\" <{}>", name.trim(), one_line(address))
}

/// A Message-ID that stays the same on every attempt, so a receiver can drop a
/// duplicate delivered after a crash.
pub(crate) fn message_id(domain: &str) -> String {
    format!("<{}@{}>", hex::encode(rand::random::<[u8; 16]>()), domain)
}

/// The sales notification (to the sales inbox, and a copy to the lead's owner)
/// and the buyer's confirmation.
pub fn lead_mails(
    ctx: &LeadMailContext<'_>,
    settings: &MailSetup,
    owner: Option<&AssignedOwner>,
) -> anyhow::Result<Vec<NewMail>> {
    let request = ctx.request;
    // Who answers and by when, before anything else about the lead.
    let owner_name = owner.map_or("nobody yet", |o| o.name.as_str());
    let targets = &settings.targets;
    let due = targets
        .hours
        .format(targets.due(request.kind, ctx.received_at));
    let reply = ReplyPromise {
        within: crate::format::target_words(targets, request.kind),
        by: due.clone(),
    };
    let (m, due) = (ctx, due.as_str());
    let p = &settings.publisher;
    let privacy_url = format!("{}/privacy", settings.public_base);
    let privacy_url = privacy_url.as_str();
    let sales = NewMail {
        lead_id: Some(ctx.lead_id),
        kind: MailKind::SalesNotification,
        to_addr: one_line(&settings.sales_inbox),
        reply_to: Some(mailbox(&request.name, &request.email)),
        subject: one_line(&format!(
            "[{}] {} — {} (score {})",
            request.kind.label(),
            ctx.report_title,
            request.company,
            ctx.score.value
        )),
        body_text: SalesText {
            m,
            owner: owner_name,
            due,
        }
        .render()?,
        body_html: SalesHtml {
            m,
            owner: owner_name,
            due,
        }
        .render()?,
        message_id: message_id(&settings.mail_domain),
        from_name: None,
        thread: None,
    };
    let buyer = NewMail {
        lead_id: Some(ctx.lead_id),
        kind: MailKind::BuyerConfirmation,
        to_addr: mailbox(&request.name, &request.email),
        // The buyer's reply reaches the lead's conversation when inbound
        // mail is set up; else a person: the lead's owner, or sales.
        reply_to: Some(match (&settings.replies, owner) {
            (Some(replies), _) => replies.reply_to(ctx.lead_id),
            (None, Some(owner)) => mailbox(&owner.name, &owner.email),
            (None, None) => one_line(&settings.sales_inbox),
        }),
        subject: one_line(&format!("We received your request: {}", ctx.report_title)),
        body_text: BuyerText {
            m,
            p,
            privacy_url,
            reply: &reply,
        }
        .render()?,
        body_html: BuyerHtml {
            m,
            p,
            privacy_url,
            reply: &reply,
        }
        .render()?,
        message_id: message_id(&settings.mail_domain),
        from_name: None,
        thread: None,
    };
    let owner_copy = owner.map(|owner| NewMail {
        kind: MailKind::OwnerNotification,
        to_addr: mailbox(&owner.name, &owner.email),
        message_id: message_id(&settings.mail_domain),
        from_name: None,
        thread: None,
        ..sales.clone()
    });
    Ok([Some(sales), owner_copy, Some(buyer)]
        .into_iter()
        .flatten()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_cannot_carry_a_line_break() {
        assert_eq!(
            one_line("Acme\r\nBcc: x@evil.test"),
            "Acme  Bcc: x@evil.test"
        );
        assert_eq!(
            mailbox("Jane \"The\" <Boss>", "jane@acme.com"),
            "\"Jane The Boss\" <jane@acme.com>"
        );
    }

    #[test]
    fn message_ids_are_unique_and_bracketed() {
        let a = message_id("acme.com");
        assert!(a.starts_with('<') && a.ends_with("@acme.com>"));
        assert_ne!(a, message_id("acme.com"));
    }
}
