use actix_web::{HttpResponse, web};

use crate::state::AppState;
use crate::web::error::PageError;
use crate::web::page::{self, PageMeta};
use crate::web::public::lead_form_page::PrivacyPage;

pub async fn privacy(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let privacy = PrivacyPage {
        meta: PageMeta::new(
            state.settings.public_base(),
            "/privacy",
            "Privacy notice",
            "What we store when you request a sample, an inquiry or a discount, why, and for how long.",
        )
        .footed_by(&state.mail_setup.publisher),
    };
    page::ok(&privacy)
}
