//! `GET /samples/{token}`: the sample PDF through a mailed link, and
//! `POST /samples/{token}/fresh`: a new link to the lead's own address when
//! that one has run out.

use std::sync::Arc;

use actix_web::http::{StatusCode, header};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::db::{DbConnection, now_unix, run_blocking};
use crate::security::sample_token::SampleClaims;
use crate::state::AppState;
use crate::state::sample_cache::CachedSample;
use crate::web::error::PageError;
use crate::web::extract::limit;
use crate::web::page::{self, PageMeta};
use crate::workflow::LeadChangeError;
use crate::workflow::deliver_sample::{Download, download as count_download, send_sample};

/// Fresh links one lead may ask for in a day.
const FRESH_LINKS_PER_DAY: i64 = 3;

#[derive(Template)]
#[template(path = "public/sample_link.html")]
pub struct SampleLinkPage {
    pub meta: PageMeta,
    pub heading: &'static str,
    pub text: &'static str,
    /// Where "send me a fresh link" posts, when one may be asked for.
    pub fresh_action: Option<String>,
}

fn page_of(
    state: &AppState,
    heading: &'static str,
    text: &'static str,
    fresh_action: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let page = SampleLinkPage {
        meta: PageMeta::plain(heading).footed_by(&state.mail_setup.publisher),
        heading,
        text,
        fresh_action,
    };
    let mut response = page::render(&page, status)?;
    no_store(&mut response);
    Ok(response)
}

pub fn no_store(response: &mut HttpResponse) {
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    headers.insert(
        header::HeaderName::from_static("x-robots-tag"),
        header::HeaderValue::from_static("noindex"),
    );
}

/// A token we did not sign, or one changed by a byte: no such link.
fn claims_of(state: &AppState, token: &str) -> Result<SampleClaims, PageError> {
    state
        .mail_setup
        .sample_tokens
        .verify(token)
        .ok_or(PageError::NotFound)
}

pub async fn download(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let claims = claims_of(&state, &token)?;
    let setup = state.mail_setup.clone();
    let count = move |conn: &mut DbConnection| count_download(conn, &claims, &setup, now_unix());
    // On SQLite, downloads share commits with submissions (`db::group_commit`).
    let outcome = match &state.group_commit {
        Some(group) => group.run(count).await?,
        None => run_blocking(&state.pool, count).await?,
    };
    match outcome {
        None => Err(PageError::NotFound),
        Some(Download::File { sample_id }) => {
            let sample = sample_file(&state, sample_id).await?;
            // The first download queued the owner's mail.
            state.work_queued();
            let mut response = HttpResponse::Ok()
                .content_type("application/pdf")
                .insert_header((
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", sample.file_name),
                ))
                .body(sample.bytes.clone());
            no_store(&mut response);
            Ok(response)
        }
        Some(Download::Gone { erased: true, .. }) => page_of(
            &state,
            "This link no longer works",
            "The details this sample was sent for have been erased, so the link has been closed.",
            None,
            StatusCode::GONE,
        ),
        Some(Download::Gone { erased: false, .. }) => page_of(
            &state,
            "This sample link has run out",
            "Sample links work for a limited time and number of downloads. We can send a fresh link to the address the sample was sent to.",
            Some(format!("/samples/{token}/fresh")),
            StatusCode::GONE,
        ),
    }
}

/// A version's file, from memory once read.
async fn sample_file(state: &AppState, sample_id: i64) -> Result<Arc<CachedSample>, PageError> {
    if let Some(sample) = state.samples.get(sample_id) {
        return Ok(sample);
    }
    let stored = run_blocking(&state.pool, move |conn| {
        Ok(crate::db::models::report_sample::file(conn, sample_id)?)
    })
    .await?
    .ok_or(PageError::NotFound)?;
    let sample = Arc::new(CachedSample {
        file_name: format!("{}-sample.pdf", stored.report_slug),
        bytes: Bytes::from(stored.bytes),
    });
    state.samples.put(sample_id, sample.clone());
    Ok(sample)
}

pub async fn fresh_link(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let now = now_unix();
    limit(&state.rate_limiter, &state, &req, now)?;
    let claims = claims_of(&state, &token)?;
    let setup = state.mail_setup.clone();
    let outcome = run_blocking(&state.pool, move |conn| {
        let recent =
            crate::db::models::sample_delivery::sent_since(conn, claims.lead_id, now - 86_400)?;
        if recent >= FRESH_LINKS_PER_DAY {
            return Ok(None);
        }
        Ok(Some(send_sample(conn, claims.lead_id, None, &setup, now)))
    })
    .await?;
    match outcome {
        None => Err(PageError::TooManyRequests {
            retry_after_seconds: 3_600,
        }),
        Some(Ok(())) => {
            state.work_queued();
            page_of(
                &state,
                "A fresh link is on its way",
                "We have mailed a new sample link to the address the sample was sent to. It should arrive within a few minutes.",
                None,
                StatusCode::OK,
            )
        }
        Some(Err(LeadChangeError::NotFound)) => Err(PageError::NotFound),
        Some(Err(LeadChangeError::Refused(_))) => page_of(
            &state,
            "This link no longer works",
            "We cannot send a fresh link for this sample.",
            None,
            StatusCode::GONE,
        ),
        Some(Err(other)) => Err(PageError::Internal(anyhow::anyhow!(other))),
    }
}
