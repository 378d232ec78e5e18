//! `/admin/leads`: the filtered list, one lead, and the changes staff make.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::auth::Staff;
use super::see_other;
use crate::db::lead_admin::{
    self, LeadChangeError, LeadDetail, LeadFilter, OwnerFilter, Sort, delivery_states, list_page,
    repeat_interest, user_names,
};
use crate::db::reports::ReportRow;
use crate::db::users::User;
use crate::db::{now_unix, run_blocking};
use crate::domain::attribution::Attribution;
use crate::domain::country::Country;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::masking::mask_email;
use crate::domain::response_clock::Clock;
use crate::domain::scoring::Score;
use crate::errors::PageError;
use crate::mail::compose::{ComposeSettings, LeadFacts, LeadMailContext, lead_mails};
use crate::startup::AppState;
use crate::views::admin::{
    FilterValues, LeadDetailPage, LeadListPage, LeadRowView, LeadView, OtherLead, Tab,
    TimelineItem, count_label, format_time, kind_label, list_summary,
};
use crate::views::layout::PageMeta;

const DAY: i64 = 24 * 60 * 60;

fn parse_date(value: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value.trim(), &format)
        .ok()
        .map(|d| d.midnight().assume_utc().unix_timestamp())
}

/// The filters as the query layer takes them; values that do not parse are
/// ignored rather than failing the page.
pub fn to_filter(values: &FilterValues) -> LeadFilter {
    let text = values.q.trim().to_lowercase();
    LeadFilter {
        status: LeadStatus::from_db(&values.status),
        kind: LeadKind::from_db(&values.kind).map(|k| k.as_db()),
        report_id: values.report.parse().ok(),
        owner: match values.assignee.as_str() {
            "none" => Some(OwnerFilter::Unassigned),
            other => other.parse().ok().map(OwnerFilter::User),
        },
        text: (!text.is_empty()).then(|| text.chars().take(100).collect()),
        text_match: None,
        from: parse_date(&values.from),
        to: parse_date(&values.to).map(|d| d + DAY),
        sort: Sort::parse(&values.sort),
    }
}

pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<FilterValues>,
) -> Result<HttpResponse, PageError> {
    let values = query.into_inner();
    let mut filter = to_filter(&values);
    let page: i64 = values.page.parse::<i64>().unwrap_or(1).max(1);
    let ((rows, total, has_next), counts, deliveries, repeats, names, reports, owners) =
        run_blocking(&state.pool, move |conn| {
            lead_admin::resolve_text(conn, &mut filter)?;
            let listed = list_page(conn, &filter, page - 1)?;
            let (rows, total, has_next, counts) =
                (listed.rows, listed.total, listed.has_next, listed.counts);
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let deliveries = delivery_states(conn, &ids)?;
            let wanted: Vec<_> = rows
                .iter()
                .map(|r| (r.id, r.contact_id, r.email_domain.clone()))
                .collect();
            let repeats = repeat_interest(conn, &wanted)?;
            let names = user_names(conn)?;
            let reports = ReportRow::ids_and_titles(conn)?;
            let owners: Vec<(i64, String)> = User::active(conn)?
                .into_iter()
                .map(|u| (u.id, u.name))
                .collect();
            Ok((
                (rows, total, has_next),
                counts,
                deliveries,
                repeats,
                names,
                reports,
                owners,
            ))
        })
        .await?;

    // A search too broad to count shows its tabs without numbers.
    let label = |count: Option<i64>| count.map(count_label).unwrap_or_default();
    let all_count = counts.as_ref().map(|counts| {
        counts
            .iter()
            .filter(|(s, _)| *s != LeadStatus::Spam)
            .map(|(_, n)| n)
            .sum()
    });
    let mut tabs = vec![Tab {
        label: "All".into(),
        count: label(all_count),
        href: values.href("/admin/leads", |v| {
            v.status.clear();
            v.page.clear();
        }),
        current: values.status.is_empty(),
    }];
    tabs.extend(LeadStatus::ALL.into_iter().map(|status| {
        Tab {
            label: status.as_db().to_owned(),
            count: label(
                counts
                    .as_ref()
                    .and_then(|counts| counts.iter().find(|(s, _)| *s == status).map(|(_, n)| *n)),
            ),
            href: values.href("/admin/leads", |v| {
                v.status = status.as_db().to_owned();
                v.page.clear();
            }),
            current: values.status == status.as_db(),
        }
    }));
    let targets = state.settings.response_targets();
    let now = now_unix();
    let rows = rows
        .into_iter()
        .map(|row| {
            let clock = LeadKind::from_db(&row.kind).map_or(Clock::Stopped, |kind| {
                Clock::of(kind, &row.status, row.created_at, &targets, now)
            });
            LeadRowView {
                clock: clock.describe(),
                overdue: clock.is_overdue(),
                repeat: repeats
                    .get(&row.id)
                    .map(|r| r.describe())
                    .unwrap_or_default(),
                created: format_time(row.created_at),
                kind: kind_label(&row.kind),
                report: row.report_title,
                masked_email: mask_email(&row.email),
                owner: row
                    .assignee_id
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_else(|| "–".into()),
                delivery: deliveries.get(&row.id).copied().unwrap_or("none"),
                id: row.id,
                name: row.name,
                company: row.company,
                country: row.country,
                score: row.score,
                status: row.status,
            }
        })
        .collect();
    let page_view = LeadListPage {
        meta: PageMeta::plain("Leads"),
        staff: staff.view(),
        tabs,
        rows,
        previous_href: (page > 1)
            .then(|| values.href("/admin/leads", |v| v.page = (page - 1).to_string())),
        next_href: has_next
            .then(|| values.href("/admin/leads", |v| v.page = (page + 1).to_string())),
        export_href: values.href("/admin/leads/export.csv", |v| v.page.clear()),
        summary: list_summary(total, page, values.q.trim()),
        filters: values,
        reports,
        owners,
    };
    Ok(crate::views::html(
        page_view.render().map_err(anyhow::Error::from)?,
    ))
}

fn describe_event(kind: &str, detail: &str, names: &HashMap<i64, String>) -> (String, String) {
    let json: serde_json::Value = serde_json::from_str(detail).unwrap_or(serde_json::Value::Null);
    let name_of = |v: &serde_json::Value| {
        v.as_i64()
            .and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| "nobody".into())
    };
    match kind {
        "created" => (
            "Request received".into(),
            format!(
                "Score {}: {}{}",
                json["score"],
                json["reasons"]
                    .as_array()
                    .map(|r| r
                        .iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(", "))
                    .unwrap_or_default(),
                json["spam_reason"]
                    .as_str()
                    .map(|r| format!(". Held as spam: {r}"))
                    .unwrap_or_default()
            ),
        ),
        "status_changed" => (
            format!(
                "Status {} → {}",
                json["from"].as_str().unwrap_or("?"),
                json["to"].as_str().unwrap_or("?")
            ),
            json["reason"]
                .as_str()
                .map(|r| format!("Reason: {r}"))
                .unwrap_or_default(),
        ),
        "assigned" => (
            format!(
                "Owner {} → {}",
                name_of(&json["from"]),
                name_of(&json["to"])
            ),
            String::new(),
        ),
        "note" => ("Note".into(), detail.to_owned()),
        "released" => ("Released from spam".into(), String::new()),
        "mail_dead" => (
            "Mail gave up".into(),
            format!(
                "{} after {} attempts: {}",
                json["mail"].as_str().unwrap_or("mail"),
                json["attempts"],
                json["error"].as_str().unwrap_or("")
            ),
        ),
        other => (other.to_owned(), detail.to_owned()),
    }
}

fn detail_page(
    staff: &Staff,
    clock: Clock,
    repeat: Vec<String>,
    detail: LeadDetail,
    owners: Vec<(i64, String)>,
    names: &HashMap<i64, String>,
    problem: Option<String>,
) -> LeadDetailPage {
    let lead = &detail.lead;
    let contact = &detail.contact;
    let or_dash = |v: &Option<String>| {
        v.clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "–".into())
    };
    let mut timeline: Vec<(i64, TimelineItem)> = detail
        .events
        .iter()
        .map(|e| {
            let (what, text) = describe_event(&e.kind, &e.detail, names);
            (
                e.created_at,
                TimelineItem {
                    at: format_time(e.created_at),
                    who: e.actor_name.clone().unwrap_or_else(|| "system".into()),
                    what,
                    detail: text,
                },
            )
        })
        .collect();
    timeline.extend(detail.mails.iter().map(|m| {
        let at = m.sent_at.unwrap_or(m.created_at);
        (
            at,
            TimelineItem {
                at: format_time(at),
                who: "outbox".into(),
                what: format!(
                    "Mail {} to {}: {}",
                    m.kind.replace('_', " "),
                    mask_email(&m.to_addr),
                    m.status
                ),
                detail: match &m.last_error {
                    Some(error) => format!("{} attempt(s); last error: {error}", m.attempts),
                    None => format!("{} attempt(s)", m.attempts),
                },
            },
        )
    }));
    timeline.sort_by_key(|(at, _)| *at);
    let view = LeadView {
        clock: clock.describe(),
        overdue: clock.is_overdue(),
        repeat,
        id: lead.id,
        kind: kind_label(&lead.kind),
        status: lead.status.clone(),
        score: lead.score,
        spam_reason: lead.spam_reason.clone(),
        created: format_time(lead.created_at),
        first_response: lead.first_response_at.map(format_time),
        report_title: detail.report_title.clone(),
        report_href: format!("/reports/{}", detail.report_slug),
        contact_id: contact.id,
        name: contact.name.clone(),
        email: contact.email_normalized.clone(),
        company: contact.company.clone(),
        job_title: or_dash(&contact.job_title),
        phone: or_dash(&contact.phone),
        country: Country::parse(&contact.country).map_or(contact.country.clone(), |c| {
            format!("{} ({})", c.name(), c.code())
        }),
        message: or_dash(&lead.message),
        licence: or_dash(&lead.licence),
        budget: or_dash(&lead.budget),
        owner_id: lead.assignee_id,
        owner: lead
            .assignee_id
            .and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| "–".into()),
        consent: format!(
            "Agreed to be contacted on {} (consent text version {})",
            format_time(lead.consent_at),
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
    };
    LeadDetailPage {
        meta: PageMeta::plain(&format!("Lead {}", lead.id)),
        staff: staff.view(),
        other_leads: detail
            .other_leads
            .iter()
            .map(|(id, kind, status, created, report)| OtherLead {
                id: *id,
                kind: kind_label(kind),
                status: status.clone(),
                created: format_time(*created),
                report: report.clone(),
            })
            .collect(),
        timeline: timeline.into_iter().map(|(_, item)| item).collect(),
        owners,
        statuses: LeadStatus::ALL
            .iter()
            .filter(|s| **s != LeadStatus::Spam)
            .map(|s| s.as_db())
            .collect(),
        problem,
        lead: view,
    }
}

async fn render_detail(
    state: &AppState,
    staff: &Staff,
    id: i64,
    problem: Option<String>,
) -> Result<HttpResponse, PageError> {
    let loaded = run_blocking(&state.pool, move |conn| {
        let detail = lead_admin::detail(conn, id)?;
        let owners: Vec<(i64, String)> = User::active(conn)?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let repeat = match &detail {
            Some(d) => repeat_interest(
                conn,
                &[(d.lead.id, d.contact.id, d.contact.email_domain.clone())],
            )?
            .remove(&d.lead.id)
            .map(|r| r.describe())
            .unwrap_or_default(),
            None => Vec::new(),
        };
        Ok((detail, owners, user_names(conn)?, repeat))
    })
    .await?;
    let (Some(detail), owners, names, repeat) = loaded else {
        return Err(PageError::NotFound);
    };
    let clock = LeadKind::from_db(&detail.lead.kind).map_or(Clock::Stopped, |kind| {
        Clock::of(
            kind,
            &detail.lead.status,
            detail.lead.created_at,
            &state.settings.response_targets(),
            now_unix(),
        )
    });
    let has_problem = problem.is_some();
    let body = detail_page(staff, clock, repeat, detail, owners, &names, problem)
        .render()
        .map_err(anyhow::Error::from)?;
    Ok(crate::views::form_page(has_problem, body))
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    render_detail(&state, &staff, id.into_inner(), None).await
}

/// After a change: back to the lead, or the page again with the reason it was refused.
async fn after_change(
    state: &AppState,
    staff: &Staff,
    id: i64,
    outcome: anyhow::Result<Result<(), LeadChangeError>>,
) -> Result<HttpResponse, PageError> {
    match outcome? {
        Ok(()) => Ok(see_other(&format!("/admin/leads/{id}"))),
        Err(LeadChangeError::NotFound) => Err(PageError::NotFound),
        Err(LeadChangeError::Refused(why)) => {
            render_detail(state, staff, id, Some(why.to_owned())).await
        }
        Err(other) => Err(PageError::Internal(anyhow::anyhow!(other))),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
}

pub async fn set_status(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, PageError> {
    staff.check_csrf(&form.csrf_token)?;
    let id = id.into_inner();
    let Some(status) = LeadStatus::from_db(&form.status).filter(|s| *s != LeadStatus::Spam) else {
        return render_detail(
            &state,
            &staff,
            id,
            Some("Choose one of the listed statuses".into()),
        )
        .await;
    };
    let reason: String = form
        .reason
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(500)
        .collect();
    let actor = staff.user.id;
    let outcome = run_blocking(&state.pool, move |conn| {
        Ok(lead_admin::set_status(
            conn,
            id,
            status,
            (!reason.is_empty()).then_some(reason.as_str()),
            actor,
            now_unix(),
        ))
    })
    .await;
    after_change(&state, &staff, id, outcome).await
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    owner: String,
}

pub async fn assign(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    form: web::Form<AssignForm>,
) -> Result<HttpResponse, PageError> {
    staff.check_csrf(&form.csrf_token)?;
    let id = id.into_inner();
    let owner: Option<i64> = if form.owner.is_empty() {
        None
    } else {
        match form.owner.parse() {
            Ok(owner) => Some(owner),
            Err(_) => {
                return render_detail(
                    &state,
                    &staff,
                    id,
                    Some("Choose an owner from the list".into()),
                )
                .await;
            }
        }
    };
    let actor = staff.user.id;
    let outcome = run_blocking(&state.pool, move |conn| {
        Ok(lead_admin::assign(conn, id, owner, actor, now_unix()))
    })
    .await;
    after_change(&state, &staff, id, outcome).await
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    note: String,
}

pub async fn add_note(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    form: web::Form<NoteForm>,
) -> Result<HttpResponse, PageError> {
    staff.check_csrf(&form.csrf_token)?;
    let id = id.into_inner();
    let note = match crate::domain::text::multi_line(&form.note, "Note", 1, 5000) {
        Ok(note) => note,
        Err(problem) => return render_detail(&state, &staff, id, Some(problem)).await,
    };
    let actor = staff.user.id;
    let outcome = run_blocking(&state.pool, move |conn| {
        Ok(lead_admin::add_note(conn, id, &note, actor, now_unix()))
    })
    .await;
    after_change(&state, &staff, id, outcome).await
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf_token: String,
}

/// The mails a released lead would have had when it came in.
fn release_mails(
    state: &AppState,
    detail: &LeadDetail,
    owner: Option<&crate::db::assignment::AssignedOwner>,
) -> anyhow::Result<Vec<crate::db::outbox::NewMail>> {
    let lead = &detail.lead;
    let contact = &detail.contact;
    let kind = LeadKind::from_db(&lead.kind)
        .ok_or_else(|| anyhow::anyhow!("unknown lead kind {}", lead.kind))?;
    let facts = LeadFacts {
        kind,
        name: contact.name.clone(),
        email: contact.email_normalized.clone(),
        company: contact.company.clone(),
        job_title: contact.job_title.clone(),
        phone: contact.phone.clone(),
        country_code: contact.country.clone(),
        country_name: Country::parse(&contact.country)
            .map_or(contact.country.clone(), |c| c.name().to_owned()),
        message: lead.message.clone(),
        licence: lead.licence.as_deref().and_then(|l| {
            crate::domain::lead_request::Licence::ALL
                .into_iter()
                .find(|x| x.as_db() == l)
                .map(|x| x.label())
        }),
        budget: lead.budget.clone(),
        marketing_opt_in: lead.marketing_opt_in,
    };
    let reasons = detail
        .events
        .iter()
        .find(|e| e.kind == "created")
        .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.detail).ok())
        .and_then(|v| {
            v["reasons"].as_array().map(|r| {
                r.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
        })
        .unwrap_or_default();
    let score = Score {
        value: lead.score,
        reasons,
    };
    let attribution = Attribution {
        utm_source: lead.utm_source.clone(),
        utm_medium: lead.utm_medium.clone(),
        utm_campaign: lead.utm_campaign.clone(),
        referrer: lead.referrer.clone(),
        landing_path: lead.landing_path.clone(),
    };
    let base = state.settings.public_base();
    let ctx = LeadMailContext {
        lead_id: lead.id,
        request: &facts,
        report_title: &detail.report_title,
        report_url: format!("{base}/reports/{}", detail.report_slug),
        admin_url: format!("{base}/admin/leads/{}", lead.id),
        score: &score,
        attribution: &attribution,
    };
    lead_mails(
        &ctx,
        &ComposeSettings {
            sales_inbox: &state.settings.sales_inbox,
            mail_domain: &state.mail_domain,
        },
        owner,
    )
}

pub async fn release(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, PageError> {
    staff.check_csrf(&form.csrf_token)?;
    let id = id.into_inner();
    let actor = staff.user.id;
    let mail_state = state.clone();
    let outcome = run_blocking(&state.pool, move |conn| {
        Ok(lead_admin::release(
            conn,
            id,
            actor,
            now_unix(),
            &|detail, owner| release_mails(&mail_state, detail, owner),
        ))
    })
    .await;
    let released = matches!(outcome, Ok(Ok(())));
    let response = after_change(&state, &staff, id, outcome).await;
    if released {
        state.outbox_wakeup.notify_one();
    }
    response
}
