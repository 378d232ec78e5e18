use actix_web::{HttpResponse, web};
use askama::Template;

use crate::db::reports::ReportRow;
use crate::db::run_blocking;
use crate::domain::report::is_valid_slug;
use crate::errors::PageError;
use crate::startup::AppState;
use crate::views::report_page::ReportPage;

#[tracing::instrument(name = "report_page", skip(state))]
pub async fn report_page(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.into_inner();
    if !is_valid_slug(&slug) {
        return Err(PageError::NotFound);
    }
    let row = run_blocking(&state.pool, move |conn| {
        Ok(ReportRow::find_by_slug(conn, &slug)?)
    })
    .await?
    .ok_or(PageError::NotFound)?;
    let page = ReportPage::new(state.settings.public_base(), row.document()?);
    Ok(crate::views::html(
        page.render().map_err(anyhow::Error::from)?,
    ))
}
