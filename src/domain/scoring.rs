//! Lead score, 0–100, from rules a salesperson can read and check. Each rule
//! that fires adds a reason; the reasons are stored with the lead.

use super::lead_kind::LeadKind;
use super::lead_request::LeadRequest;
use super::licence::Licence;

const FREE_MAIL_DOMAINS: &str = include_str!("free_mail_domains.txt");

/// Titles that usually decide or sign off a purchase.
const SENIOR_TITLE_WORDS: [&str; 14] = [
    "chief",
    "ceo",
    "cfo",
    "cto",
    "coo",
    "president",
    "vp",
    "vice",
    "director",
    "head",
    "partner",
    "founder",
    "owner",
    "manager",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    pub value: i32,
    pub reasons: Vec<String>,
}

pub fn is_free_mail_domain(domain: &str) -> bool {
    FREE_MAIL_DOMAINS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|d| d == domain)
}

pub fn score(lead: &LeadRequest) -> Score {
    let mut value = 10;
    let mut reasons = vec!["+10 base".to_owned()];
    let mut add = |points: i32, why: String| {
        value += points;
        reasons.push(format!("+{points} {why}"));
    };

    let domain = lead.email.domain();
    if is_free_mail_domain(&domain) {
        // Scores nothing, but is listed so the score can be explained.
        add(0, format!("free-mail domain ({domain})"));
    } else {
        add(30, format!("business email domain ({domain})"));
    }
    if let Some(title) = &lead.job_title {
        let lower = title.to_lowercase();
        let senior = lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| SENIOR_TITLE_WORDS.contains(&word));
        if senior {
            add(20, "senior job title".to_owned());
        } else {
            add(10, "job title given".to_owned());
        }
    }
    if lead.phone.is_some() {
        add(10, "phone number given".to_owned());
    }
    if let Some(message) = &lead.message {
        let words = message.split_whitespace().count();
        if words >= 15 {
            add(15, "detailed message".to_owned());
        } else if words >= 4 {
            add(5, "short message".to_owned());
        }
    }
    if lead.kind == LeadKind::Discount {
        match lead.licence {
            Some(Licence::Enterprise) => add(15, "enterprise licence".to_owned()),
            Some(Licence::Multi) => add(10, "multi-user licence".to_owned()),
            _ => {}
        }
        if lead.budget.is_some() {
            add(5, "budget stated".to_owned());
        }
    }
    Score {
        value: value.clamp(0, 100),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lead_request::LeadFormInput;

    fn lead(kind: LeadKind, email: &str, title: &str, phone: &str, message: &str) -> LeadRequest {
        LeadRequest::parse(
            kind,
            &LeadFormInput {
                name: "Jane Doe".into(),
                email: email.into(),
                phone: phone.into(),
                company: "Acme".into(),
                job_title: title.into(),
                country: "US".into(),
                message: message.into(),
                consent: "yes".into(),
                licence: "enterprise".into(),
                budget: "USD 5,000".into(),
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn a_free_mail_address_scores_lower_than_a_business_one_but_is_kept() {
        let free = score(&lead(LeadKind::SampleRequest, "jane@gmail.com", "", "", ""));
        let business = score(&lead(LeadKind::SampleRequest, "jane@acme.com", "", "", ""));
        assert_eq!(free.value, 10);
        assert_eq!(business.value, 40);
        assert!(
            free.reasons
                .iter()
                .any(|r| r.contains("free-mail domain (gmail.com)"))
        );
    }

    #[test]
    fn a_complete_enterprise_discount_request_from_a_director_scores_high() {
        let message = "We are evaluating the oncology and cardiology segments for our 2027 expansion plan across Europe and Asia";
        let s = score(&lead(
            LeadKind::Discount,
            "jane@acme.com",
            "Director of Strategy",
            "+1 555 010 2030",
            message,
        ));
        assert_eq!(s.value, 100);
        assert!(s.reasons.contains(&"+20 senior job title".to_owned()));
        assert!(s.reasons.contains(&"+15 enterprise licence".to_owned()));
    }

    #[test]
    fn the_score_stays_within_zero_and_one_hundred() {
        let s = score(&lead(
            LeadKind::Discount,
            "a@b.co",
            "CEO",
            "+1 555 010 2030",
            &"word ".repeat(40),
        ));
        assert!((0..=100).contains(&s.value));
    }
}
