use actix_web::{HttpResponse, web};
use askama::Template;

use crate::errors::PageError;
use crate::startup::AppState;
use crate::views::layout::PageMeta;
use crate::views::lead_form_page::PrivacyPage;

pub async fn privacy(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let page = PrivacyPage {
        meta: PageMeta::new(
            state.settings.public_base(),
            "/privacy",
            "Privacy notice",
            "What we store when you request a sample, an inquiry or a discount, why, and for how long.",
        ),
    };
    Ok(crate::views::html(
        page.render().map_err(anyhow::Error::from)?,
    ))
}
