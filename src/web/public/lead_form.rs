//! The three lead forms: one handler set, the kind taken from the URL.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, percent_encode};
use serde::Deserialize;

use super::attribution::{first_touch, utm_from_query};
use super::buyer_country;
use super::lead_form_page::{
    CONSENT_TEXT_VERSION, LeadFormContext, LeadFormPage, Promises, ThankYouPage,
};
use crate::db::models::report::{ReportRef, pricing};
use crate::db::{now_unix, run_blocking};
use crate::domain::email::EmailAddress;
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_request::{FieldErrors, LeadFormInput, LeadRequest};
use crate::domain::masking::mask_email;
use crate::domain::pricing::ReportPricing;
use crate::domain::scoring::score;
use crate::domain::slug::Slug;
use crate::mail::compose::ReportLink;
use crate::security::form_token::TokenError;
use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::extract::{client_address, limit};
use crate::web::page;
use crate::workflow::submit_lead::{Submission, SubmitOutcome, submit_lead};

#[derive(Debug, Deserialize)]
pub struct FormPath {
    slug: String,
    form: String,
}

/// The report, with its prices when the form is the discount form (the
/// only one that shows them).
async fn find_report(
    state: &AppState,
    slug: &str,
    kind: Option<LeadKind>,
) -> Result<(ReportRef, ReportPricing), PageError> {
    let slug = Slug::parse(slug).ok_or(PageError::NotFound)?;
    run_blocking(&state.pool, move |conn| {
        let Some(report) = ReportRef::find_by_slug(conn, slug.as_str())? else {
            return Ok(None);
        };
        let prices = match kind {
            Some(LeadKind::Discount) => pricing(conn, report.id)?,
            _ => ReportPricing::default(),
        };
        Ok(Some((report, prices)))
    })
    .await?
    .ok_or(PageError::NotFound)
}

fn kind_of(path: &FormPath) -> Result<LeadKind, PageError> {
    LeadKind::from_path_segment(&path.form).ok_or(PageError::NotFound)
}

/// The form posts back to its own URL, keeping only its UTM tags.
fn form_action(req: &HttpRequest) -> String {
    let utm = utm_from_query(req.query_string());
    let query = serde_urlencoded::to_string(&utm).unwrap_or_default();
    if query.is_empty() {
        req.path().to_owned()
    } else {
        format!("{}?{query}", req.path())
    }
}

/// What the form shows: the buyer's input with what was wrong, and when the
/// buyer first opened it.
struct Shown<'a> {
    input: &'a LeadFormInput,
    errors: &'a FieldErrors,
    notice: Option<&'static str>,
    opened_at: i64,
}

fn form_page(
    state: &AppState,
    req: &HttpRequest,
    (report, pricing): (&ReportRef, &ReportPricing),
    kind: LeadKind,
    shown: Shown<'_>,
) -> LeadFormPage {
    let Shown {
        input,
        errors,
        notice,
        opened_at,
    } = shown;
    let ctx = LeadFormContext {
        public_base: state.settings.public_base(),
        report_slug: &report.slug,
        report_title: &report.title,
        kind,
        action: form_action(req),
        form_token: state
            .form_tokens
            .reissue(kind, report.id, now_unix(), opened_at),
        promises: promises(state),
        pricing,
    };
    let mut page = LeadFormPage::new(ctx, input, errors, notice);
    page.meta = page.meta.footed_by(&state.mail_setup.publisher);
    page
}

#[tracing::instrument(name = "lead_form", skip(state, req))]
pub async fn show_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<FormPath>,
) -> Result<HttpResponse, PageError> {
    let kind = kind_of(&path)?;
    let (report, pricing) = find_report(&state, &path.slug, Some(kind)).await?;
    // The licence and currency chosen in the report's price table.
    let chosen: LeadFormInput = serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let blank = Shown {
        input: &LeadFormInput {
            licence: chosen.licence,
            currency: chosen.currency,
            ..LeadFormInput::default()
        },
        errors: &FieldErrors::default(),
        notice: None,
        opened_at: now_unix(),
    };
    let form = form_page(&state, &req, (&report, &pricing), kind, blank);
    page::ok(&form)
}

/// Said when the database could not take the lead.
const NOT_STORED: &str = "We could not store your request just now, so nothing was saved. Your answers are kept below: please send the form again in a minute.";
const RETRY_STORE_SECONDS: i64 = 30;

#[tracing::instrument(name = "lead_submit", skip_all, fields(kind = %path.form))]
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<FormPath>,
    form: web::Form<LeadFormInput>,
) -> Result<HttpResponse, PageError> {
    let kind = kind_of(&path)?;
    let started = std::time::Instant::now();
    let now = now_unix();
    limit(&state.rate_limiter, &state, &req, now)?;
    let (report, pricing) = find_report(&state, &path.slug, Some(kind)).await?;
    let input = form.into_inner();

    let token = state
        .form_tokens
        .verify(&input.form_token, kind, report.id, now);
    let parsed = LeadRequest::parse(kind, &input);
    let (request, token) = match (parsed, token) {
        (Ok(request), Ok(token)) => (request, token),
        (parsed, token) => {
            let errors = parsed.err().unwrap_or_default();
            // The form shown again keeps the time the buyer first opened it, so
            // a quick correction is measured from then, not from this page.
            let opened_at = match &token {
                Ok(token) => token.opened_at,
                Err(TokenError::Expired { opened_at }) => *opened_at,
                Err(TokenError::Invalid) => now,
            };
            let notice = token.err().map(|e| match e {
                TokenError::Expired { .. } => "This form was open for more than a day, so for your security it has expired. Your answers are kept below: please check them and send the form again.",
                TokenError::Invalid => "We could not confirm that this form came from our site. Your answers are kept below: please send the form again.",
            });
            let shown = Shown {
                input: &input,
                errors: &errors,
                notice,
                opened_at,
            };
            let form = form_page(&state, &req, (&report, &pricing), kind, shown);
            return page::render(&form, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };

    let spam_reason = spam_reason(
        &input,
        token.opened_at,
        now,
        state.settings.form_min_seconds,
    );
    // The metrics' reason: a code, never the text (which holds timings).
    let spam_code = spam_reason.as_ref().map(|_| match input.website.trim() {
        "" => "too_fast",
        _ => "honeypot",
    });
    let attribution = first_touch(&req)
        .unwrap_or_default()
        .with_form_utm(&utm_from_query(req.query_string()));
    let opened_at = token.opened_at;
    let masked_email = mask_email(request.email.as_str());
    let email = request.email.as_str().to_owned();
    let client_may_be_confirmed = client_address(&state, &req)
        .is_none_or(|ip| state.confirmation_limiter.check(ip, now).is_ok());
    let setup = state.mail_setup.clone();
    let report_ref = report.clone();
    let price = pricing.request_for(&request);
    let country = buyer_country::cookie(&request.country, state.settings.is_https());
    let store = move |conn: &mut crate::db::DbConnection| {
        let submission = Submission {
            request: &request,
            report: ReportLink {
                id: report_ref.id,
                slug: &report_ref.slug,
                title: &report_ref.title,
            },
            spam_reason,
            client_may_be_confirmed,
            score: &score(&request),
            attribution: &attribution,
            form_token_hash: &token.hash,
            consent_text_version: CONSENT_TEXT_VERSION,
            price: price.clone(),
            now,
        };
        let status = submission.status();
        Ok((submit_lead(conn, &submission, &setup)?, status))
    };
    // On SQLite, submissions share commits (see `db::group_commit`).
    let stored = match &state.group_commit {
        Some(group) => group.run(store).await,
        None => run_blocking(&state.pool, store).await,
    };
    let (outcome, status) = match stored {
        Ok(stored) => stored,
        // Locked past the busy timeout, a full disk, the server gone: the
        // transaction rolled back, so nothing is half-written. The buyer
        // keeps every answer and is told to send it again.
        Err(error) => {
            tracing::error!(%error, "a lead could not be stored; the buyer was asked to send it again");
            let shown = Shown {
                input: &input,
                errors: &FieldErrors::default(),
                notice: Some(NOT_STORED),
                opened_at,
            };
            let form = form_page(&state, &req, (&report, &pricing), kind, shown);
            let mut response = page::render(&form, StatusCode::SERVICE_UNAVAILABLE)?;
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(RETRY_STORE_SECONDS),
            );
            return Ok(response);
        }
    };
    let thank_you = format!("/reports/{}/thank-you", report.slug);
    // 303: the browser follows with a GET, so a reload cannot resubmit.
    let mut response = HttpResponse::SeeOther();
    response.insert_header((
        header::LOCATION,
        format!("{thank_you}?kind={}", kind.path_segment()),
    ));
    match outcome {
        SubmitOutcome::Stored { lead_id, confirmed } => {
            tracing::info!(lead_id, kind = %kind, %status, email = %masked_email, "lead stored");
            let seconds = started.elapsed().as_secs_f64();
            crate::monitoring::record::lead_stored(kind, spam_code, seconds);
            let spam = status == crate::domain::lead_status::LeadStatus::Spam;
            if !spam {
                state.work_queued();
            }
            // Held as spam, it reads as confirmed: a bot learns nothing.
            let mut cookie = sent_to_cookie(&email, &thank_you, state.settings.is_https());
            if !(confirmed || spam) {
                // Not mailed: an earlier form's address must not be shown.
                cookie.set_value("");
                cookie.set_max_age(actix_web::cookie::time::Duration::ZERO);
            }
            response.cookie(cookie);
            response.cookie(country);
        }
        SubmitOutcome::AlreadyStored { lead_id } => {
            tracing::info!(lead_id, "form submitted again; the stored lead stands");
        }
    }
    Ok(response.finish())
}

/// Where the confirmation went, for the thank-you page only (never in its
/// URL, which proxies and histories keep), for ten minutes.
const SENT_TO_COOKIE: &str = "rd_sent_to";

fn sent_to_cookie(email: &str, path: &str, https: bool) -> Cookie<'static> {
    let value = percent_encode(email.as_bytes(), NON_ALPHANUMERIC).to_string();
    Cookie::build(SENT_TO_COOKIE, value)
        .path(path.to_owned())
        .max_age(actix_web::cookie::time::Duration::minutes(10))
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Lax)
        .finish()
}

/// The address the confirmation went to, if this browser sent the form: only
/// a well-formed address is shown, whatever the cookie holds.
fn sent_to(req: &HttpRequest) -> Option<String> {
    let cookie = req.cookie(SENT_TO_COOKIE)?;
    let decoded = percent_decode_str(cookie.value()).decode_utf8().ok()?;
    EmailAddress::parse(&decoded)
        .ok()
        .map(|e| e.as_str().to_owned())
}

/// Why a submission looks automated, if it does. Such leads are stored with
/// status `spam` (a person can release a false positive) and the sender sees
/// the usual thank-you, so a bot learns nothing.
fn spam_reason(
    input: &LeadFormInput,
    opened_at: i64,
    now: i64,
    min_seconds: u64,
) -> Option<String> {
    if !input.website.trim().is_empty() {
        return Some("honeypot field was filled".to_owned());
    }
    let elapsed = now - opened_at;
    let min_seconds = i64::try_from(min_seconds).unwrap_or(i64::MAX);
    (elapsed < min_seconds)
        .then(|| format!("sent {elapsed} s after the form was served (minimum {min_seconds} s)"))
}

#[derive(Debug, Deserialize)]
pub struct ThankYouQuery {
    kind: Option<String>,
}

pub async fn thank_you(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    query: web::Query<ThankYouQuery>,
) -> Result<HttpResponse, PageError> {
    let (report, _) = find_report(&state, &slug, None).await?;
    let kind = query.kind.as_deref().and_then(LeadKind::from_path_segment);
    let mut thanks = ThankYouPage::new(
        state.settings.public_base(),
        &report.slug,
        &report.title,
        kind,
        &promises(&state),
    );
    thanks.sent_to = sent_to(&req);
    thanks.meta = thanks.meta.footed_by(&state.mail_setup.publisher);
    let mut response = page::ok(&thanks)?;
    // It may name the buyer's address: for this browser only.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// What the forms and thank-you pages promise, from the settings.
fn promises(state: &AppState) -> Promises {
    Promises {
        targets: state.settings.response_targets(),
        release: state.settings.sample_release,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filled_honeypot_or_a_hasty_submit_is_spam() {
        let mut input = LeadFormInput::default();
        assert_eq!(spam_reason(&input, 100, 110, 3), None);
        assert!(
            spam_reason(&input, 100, 101, 3)
                .unwrap()
                .contains("sent 1 s after")
        );
        input.website = "http://spam.example".into();
        assert_eq!(
            spam_reason(&input, 100, 110, 3).as_deref(),
            Some("honeypot field was filled")
        );
    }
}
