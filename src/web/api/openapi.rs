//! `/api/v1/openapi.json`: the OpenAPI 3.1 document, derived from the
//! handlers' annotations and the types they answer with.

use actix_web::HttpResponse;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::problem::Problem;
use super::{catalog, leads};
use crate::domain::lead_json::{
    AttributionJson, ConsentJson, ContactJson, EventJson, LeadJson, ReportJson, UserJson,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "reportdesk API",
        version = "1",
        description = "Leads, reports and desk users for the publisher's CRM. \
            Authenticate with an API token from /admin/api-tokens as \
            `Authorization: Bearer <token>`. Errors are RFC 9457 problems."
    ),
    paths(
        leads::list,
        leads::show,
        leads::change,
        leads::note,
        catalog::reports,
        catalog::users
    ),
    components(schemas(
        LeadJson,
        ContactJson,
        ReportJson,
        UserJson,
        AttributionJson,
        ConsentJson,
        EventJson,
        leads::LeadPage,
        leads::LeadChange,
        leads::NewNote,
        Problem
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "leads", description = "Buyers' requests and their timelines"),
        (name = "catalogue", description = "Reports and desk users leads refer to")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The document, public like any API description (it holds no data).
pub async fn document() -> HttpResponse {
    match ApiDoc::openapi().to_json() {
        Ok(json) => HttpResponse::Ok()
            .content_type("application/json")
            .body(json),
        Err(error) => actix_web::ResponseError::error_response(&Problem::internal(error)),
    }
}
