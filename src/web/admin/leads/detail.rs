//! `GET /admin/leads/{id}`: one lead with its contact, timeline and the forms
//! that change it.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::conversation::{ComposeView, prefill};
use super::timeline::{TimelineItem, describe_repeat, timeline};
use crate::db::models::report_sample;
use crate::db::models::sample_delivery::{self, SampleDelivery};
use crate::db::models::user::User;
use crate::db::models::{follow_up, mail_template};
use crate::db::queries::lead_detail::{LeadDetail, LeadSummary, lead_detail};
use crate::db::queries::repeat_interest::{Asked, repeat_interest};
use crate::db::{now_unix, run_blocking};
use crate::domain::country::Country;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::response_clock::{Clock, ClockedLead};
use crate::domain::working_hours::WorkingHours;
use crate::state::AppState;
use crate::web::admin::staff_view::StaffView;
use crate::web::error::PageError;
use crate::web::extract::Staff;
use crate::web::page::{self, PageMeta};

#[derive(Template)]
#[template(path = "admin/lead_detail.html")]
pub struct LeadDetailPage {
    pub meta: PageMeta,
    pub staff: StaffView,
    pub lead: LeadView,
    pub other_leads: Vec<OtherLead>,
    pub timeline: Vec<TimelineItem>,
    /// What the CRM was sent about this lead.
    pub deliveries: Vec<crate::web::admin::webhook_views::DeliveryView>,
    pub owners: Vec<(i64, String)>,
    /// The statuses staff may choose (spam is left by releasing).
    pub statuses: Vec<LeadStatus>,
    pub problem: Option<String>,
    /// For a sample request: where its sample stands.
    pub sample: Option<SampleView>,
    /// Writing to the buyer; `None` for spam or an erased buyer.
    pub compose: Option<ComposeView>,
    /// Mail to the buyer bounced: phone them, or correct the address.
    pub bounced: bool,
    pub buyer_replied: bool,
    /// The next step: what, when, and whether it is late.
    pub next_step: Option<(String, String, bool)>,
    /// The desk's time zone, which due times are typed in.
    pub zone: String,
    pub offers: super::offers::OffersView,
}

pub struct SampleView {
    /// "Awaiting review", "Sent …", "Downloaded …".
    pub state: String,
    /// "Send sample" before any link, "Send again" after.
    pub button: &'static str,
}

impl SampleView {
    fn of(deliveries: &[SampleDelivery], version: Option<String>, desk: &WorkingHours) -> Self {
        let Some(last) = deliveries.last() else {
            return Self {
                state: "Awaiting review: no sample sent yet".into(),
                button: "Send sample",
            };
        };
        let downloads: i64 = deliveries.iter().map(|d| i64::from(d.downloads)).sum();
        let first = deliveries.iter().filter_map(|d| d.first_download_at).min();
        let latest = deliveries.iter().filter_map(|d| d.last_download_at).max();
        let sent = format!(
            "Sent {} (version {}), link until {}",
            desk.format(last.sent_at),
            version.unwrap_or_else(|| "–".into()),
            desk.format(last.expires_at)
        );
        let state = match (first, latest) {
            (Some(first), Some(latest)) => format!(
                "Downloaded {downloads} time{}: first {}, last {}. {sent}",
                if downloads == 1 { "" } else { "s" },
                desk.format(first),
                desk.format(latest)
            ),
            _ => format!("{sent}; not downloaded yet"),
        };
        Self {
            state,
            button: "Send again",
        }
    }
}

pub struct LeadView {
    pub id: i64,
    pub kind: &'static str,
    pub status: LeadStatus,
    pub is_spam: bool,
    pub score: i32,
    pub spam_reason: Option<String>,
    pub created: String,
    pub first_response: Option<String>,
    pub report_title: String,
    pub report_href: String,
    pub contact_id: i64,
    pub name: String,
    pub email: String,
    pub company: String,
    pub job_title: String,
    pub phone: String,
    pub country: String,
    pub message: String,
    pub licence: String,
    pub budget: String,
    /// List and target price of a discount request, if it had prices.
    pub price: Option<String>,
    pub owner_id: Option<i64>,
    pub owner: String,
    pub consent: String,
    pub marketing: &'static str,
    pub attribution: Vec<(&'static str, String)>,
    pub clock: String,
    pub overdue: bool,
    pub repeat: Vec<String>,
}

/// Another lead of the same person, as a line.
pub struct OtherLead {
    pub id: i64,
    pub kind: &'static str,
    pub status: LeadStatus,
    pub created: String,
    pub report: String,
}

impl OtherLead {
    pub fn of(lead: &LeadSummary, desk: &WorkingHours) -> Self {
        Self {
            id: lead.id,
            kind: lead.kind.label(),
            status: lead.status,
            created: desk.format(lead.created_at),
            report: lead.report_title.clone(),
        }
    }
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    render_detail(&state, &staff, id.into_inner(), None).await
}

/// The lead's page; with `problem`, shown again (422) saying why a change was
/// refused.
pub async fn render_detail(
    state: &AppState,
    staff: &Staff,
    id: i64,
    problem: Option<String>,
) -> Result<HttpResponse, PageError> {
    let desk = state.settings.working_hours();
    let loaded = run_blocking(&state.pool, move |conn| {
        let Some(detail) = lead_detail(conn, id)? else {
            return Ok(None);
        };
        let asked = Asked {
            lead_id: detail.lead.id,
            contact_id: detail.contact.id,
            email_domain: &detail.contact.email_domain,
        };
        let repeat = repeat_interest(conn, &[asked])?.remove(&id);
        let owners: Vec<(i64, String)> = User::active(conn)?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let sample = if detail.lead.kind == LeadKind::SampleRequest
            && detail.lead.status != LeadStatus::Spam
        {
            let deliveries = sample_delivery::of_lead(conn, id)?;
            let version = match deliveries.last() {
                Some(last) => report_sample::version(conn, last.sample_id)?.map(|v| v.short()),
                None => None,
            };
            Some(SampleView::of(&deliveries, version, &desk))
        } else {
            None
        };
        let template = mail_template::of_kind(conn, detail.lead.kind)?;
        let names = User::names(conn)?;
        let next = follow_up::of_lead(conn, id)?;
        Ok(Some((
            detail,
            repeat,
            owners,
            names,
            sample,
            (template, next),
        )))
    })
    .await?;
    let Some((detail, repeat, owners, names, sample, (template, next))) = loaded else {
        return Err(PageError::NotFound);
    };
    let targets = state.settings.response_targets();
    let desk = &targets.hours;
    let lead = &detail.lead;
    let clocked = ClockedLead {
        kind: lead.kind,
        status: lead.status,
        created_at: lead.created_at,
        first_contact_at: lead.first_response_at,
    };
    let clock = Clock::of(clocked, &targets, now_unix());
    let has_problem = problem.is_some();
    let view = LeadDetailPage {
        meta: PageMeta::plain(&format!("Lead {}", lead.id)),
        staff: staff.view(),
        other_leads: detail
            .other_leads
            .iter()
            .map(|l| OtherLead::of(l, desk))
            .collect(),
        timeline: timeline(&detail.events, &detail.mails, &detail.inbound, &names, desk),
        deliveries: detail
            .deliveries
            .iter()
            .cloned()
            .map(crate::web::admin::webhook_views::DeliveryView::of)
            .collect(),
        owners,
        statuses: LeadStatus::ALL
            .into_iter()
            .filter(|s| *s != LeadStatus::Spam)
            .collect(),
        problem,
        sample,
        compose: (lead.status != LeadStatus::Spam && detail.contact.erased_at.is_none())
            .then(|| prefill(template.as_ref(), &detail, &staff.user.name, state)),
        bounced: detail.contact.mail_bounced_at.is_some(),
        buyer_replied: lead.buyer_replied_at.is_some(),
        zone: desk.zone_name().to_owned(),
        next_step: next.map(|f| (f.action, desk.format(f.due_at), f.due_at < now_unix())),
        offers: super::offers::offers_view(&detail, &staff.user, &names, state, desk),
        lead: lead_view(
            &detail,
            clock,
            repeat.as_ref().map(describe_repeat),
            &names,
            desk,
        ),
    };
    page::form(&view, has_problem)
}

fn lead_view(
    detail: &LeadDetail,
    clock: Clock,
    repeat: Option<Vec<String>>,
    names: &std::collections::HashMap<i64, String>,
    desk: &WorkingHours,
) -> LeadView {
    let (lead, contact) = (&detail.lead, &detail.contact);
    // What was sent with this lead; the contact page shows the latest.
    let sent = lead.submitted.or(contact.details());
    let or_dash_str = |v: Option<&str>| v.filter(|s| !s.is_empty()).unwrap_or("–").to_owned();
    let or_dash = |v: &Option<String>| {
        v.clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "–".into())
    };
    LeadView {
        clock: clock.describe(),
        overdue: clock.is_overdue(),
        repeat: repeat.unwrap_or_default(),
        id: lead.id,
        kind: lead.kind.label(),
        status: lead.status,
        is_spam: lead.status == LeadStatus::Spam,
        score: lead.score,
        spam_reason: lead.spam_reason.clone(),
        created: desk.format(lead.created_at),
        first_response: lead.first_response_at.map(|at| desk.format(at)),
        report_title: detail.report_title.clone(),
        report_href: format!("/reports/{}", detail.report_slug),
        contact_id: contact.id,
        name: sent.name.to_owned(),
        email: contact.email_normalized.clone(),
        company: sent.company.to_owned(),
        job_title: or_dash_str(sent.job_title),
        phone: or_dash_str(sent.phone),
        country: Country::parse(sent.country).map_or(sent.country.to_owned(), |c| {
            format!("{} ({})", c.name(), c.code())
        }),
        message: or_dash(&lead.message),
        licence: or_dash(&lead.licence.map(|l| l.to_string())),
        budget: or_dash(&lead.budget),
        price: detail.price.as_ref().map(|p| p.describe()),
        owner_id: lead.assignee_id,
        owner: lead
            .assignee_id
            .and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| "–".into()),
        consent: format!(
            "Agreed to be contacted on {} (consent text version {})",
            desk.format(lead.consent_at),
            lead.consent_text_version
        ),
        marketing: if lead.marketing_opt_in {
            "opted in"
        } else {
            "not opted in"
        },
        attribution: vec![
            ("utm_source", or_dash(&lead.utm_source)),
            ("utm_medium", or_dash(&lead.utm_medium)),
            ("utm_campaign", or_dash(&lead.utm_campaign)),
            ("Referrer", or_dash(&lead.referrer)),
            ("Landing page", or_dash(&lead.landing_path)),
        ],
    }
}
