//! The one route table: every path, its methods, and the middleware around it.

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, guard, web};
use std::net::TcpListener;
use tracing_actix_web::TracingLogger;

use super::request_span::RequestSpan;

use crate::security::headers::security_headers;
use crate::security::session;
use crate::state::AppState;
use crate::web::{self as handlers, admin, api, health, public, static_files};

pub fn serve(
    listener: TcpListener,
    state: web::Data<AppState>,
    secret_key: Vec<u8>,
) -> anyhow::Result<Server> {
    let https = state.settings.is_https();
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(handlers::deadline::body_deadline))
            .wrap(from_fn(handlers::encoding::refuse_encoded_bodies))
            .wrap(security_headers(https))
            .wrap(TracingLogger::<RequestSpan>::new())
            .wrap(from_fn(super::request_metrics::record_request))
            .app_data(state.clone())
            .app_data(public::form_limits::form_config())
            .service(
                web::resource("/healthz")
                    .route(read().to(health::healthz))
                    .default_service(web::to(handlers::method_not_allowed)),
            )
            .service(
                web::resource("/inbound/email")
                    .app_data(crate::web::inbound::payload_config())
                    .route(web::post().to(crate::web::inbound::receive))
                    .default_service(web::to(handlers::method_not_allowed)),
            )
            .service(
                web::resource("/metrics")
                    .route(read().to(crate::web::metrics::guarded))
                    .default_service(web::to(handlers::method_not_allowed)),
            )
            .route("/static/{path:.*}", read().to(static_files::asset))
            .route("/favicon.ico", read().to(static_files::favicon))
            .service(admin_scope(session::middleware(&secret_key, https)))
            .service(api_scope())
            .service(
                // Pages a visitor may land on: these record the first touch.
                web::scope("")
                    .wrap(from_fn(public::attribution::record_first_touch))
                    .service(
                        web::resource("/")
                            .route(read().to(public::catalog::catalog))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/privacy")
                            .route(read().to(public::privacy::privacy))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/samples/{token}")
                            // GET only: a HEAD must not count as a download.
                            .route(web::get().to(public::sample::download))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/samples/{token}/fresh")
                            .route(web::post().to(public::sample::fresh_link))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/industries/{slug}")
                            .route(read().to(public::catalog::industry))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/robots.txt")
                            .route(read().to(public::sitemap::robots))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/sitemap.xml")
                            .route(read().to(public::sitemap::sitemap))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/sitemaps/{n}.xml")
                            .route(read().to(public::sitemap::sitemap_part))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/quotes/{token}")
                            .route(read().to(public::quote::show))
                            .route(web::post().to(public::quote::act))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/reports/{slug}")
                            .route(read().to(public::report::report_page))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/reports/{slug}/share.png")
                            .route(read().to(public::share_image::report_share_image))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/reports/{slug}/thank-you")
                            .route(read().to(public::lead_form::thank_you))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/reports/{slug}/{form:sample-request|inquiry|discount}")
                            .route(read().to(public::lead_form::show_form))
                            .route(web::post().to(public::lead_form::submit))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .default_service(web::to(handlers::not_found)),
            )
    })
    .listen(listener)?
    .run();
    Ok(server)
}

/// The metrics listener of its own (`REPORTDESK_METRICS_BIND`): `/metrics`
/// and nothing else, for the scraper only.
pub fn serve_metrics(listener: TcpListener, state: web::Data<AppState>) -> anyhow::Result<Server> {
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route("/metrics", read().to(crate::web::metrics::open))
            .default_service(web::to(handlers::not_found))
    })
    .workers(1)
    .listen(listener)?
    .run();
    Ok(server)
}

/// GET, and HEAD wherever GET works (actix sends HEAD's headers without the
/// body).
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// A resource that answers other methods with 405.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(handlers::method_not_allowed))
}

/// A resource of the JSON API: other methods get a problem, not a page.
fn api_resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(api::method_not_allowed))
}

/// The JSON API for the publisher's CRM: bearer tokens, no cookies.
fn api_scope() -> actix_web::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    web::scope("/api/v1")
        .app_data(api::json_config())
        .app_data(api::query_config())
        .app_data(api::path_config())
        .wrap(DefaultHeaders::new().add((header::CACHE_CONTROL, "no-store")))
        .service(api_resource("/openapi.json").route(read().to(api::openapi::document)))
        .service(api_resource("/leads").route(read().to(api::leads::list)))
        .service(
            api_resource("/leads/{id}")
                .route(read().to(api::leads::show))
                .route(web::patch().to(api::leads::change)),
        )
        .service(api_resource("/leads/{id}/notes").route(web::post().to(api::leads::note)))
        .service(api_resource("/reports").route(read().to(api::catalog::reports)))
        .service(api_resource("/users").route(read().to(api::catalog::users)))
        .default_service(web::to(api::not_found))
}

/// The sales desk. Its session cookie exists only here.
fn admin_scope(
    sessions: actix_session::SessionMiddleware<actix_session::storage::CookieSessionStore>,
) -> actix_web::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    use admin::{
        account, api_tokens, audit, contacts, dashboard, inbound, leads, login, login_code, my_day,
        password_reset, routing, templates, two_factor, users, webhooks,
    };
    web::scope("/admin")
        // Pages with buyers' personal data stay out of every cache.
        .wrap(DefaultHeaders::new().add((header::CACHE_CONTROL, "no-store")))
        .wrap(from_fn(admin::session_guard::forms_need_a_session))
        .wrap(sessions)
        .service(resource("").route(read().to(dashboard::dashboard)))
        .service(
            resource("/login")
                .route(read().to(login::show))
                .route(web::post().to(login::submit)),
        )
        .service(
            resource("/login/code")
                .route(read().to(login_code::show))
                .route(web::post().to(login_code::submit)),
        )
        .service(resource("/logout").route(web::post().to(login::logout)))
        .service(
            resource("/password-reset")
                .route(read().to(password_reset::ask))
                .route(web::post().to(password_reset::send_link)),
        )
        .service(
            resource("/password-reset/{token}")
                .route(read().to(password_reset::show_link))
                .route(web::post().to(password_reset::set_new)),
        )
        .service(resource("/my-day").route(read().to(my_day::show)))
        .service(resource("/leads").route(read().to(leads::list::list)))
        .service(resource("/leads/export.csv").route(read().to(leads::export::export)))
        .service(resource("/leads/bulk").route(web::post().to(leads::bulk::bulk)))
        .service(resource("/views").route(web::post().to(leads::views::create)))
        .service(resource("/views/{id}").route(web::post().to(leads::views::change)))
        .service(resource("/leads/{id}").route(read().to(leads::detail::show)))
        .service(resource("/leads/{id}/status").route(web::post().to(leads::actions::set_status)))
        .service(resource("/leads/{id}/assign").route(web::post().to(leads::actions::assign)))
        .service(resource("/leads/{id}/notes").route(web::post().to(leads::actions::add_note)))
        .service(resource("/leads/{id}/release").route(web::post().to(leads::actions::release)))
        .service(resource("/leads/{id}/sample").route(web::post().to(leads::actions::send_sample)))
        .service(resource("/leads/{id}/next-step").route(web::post().to(leads::next_step::set)))
        .service(resource("/leads/{id}/offers").route(web::post().to(leads::offers::propose)))
        .service(resource("/offers/{id}").route(web::post().to(leads::offers::act)))
        .service(
            resource("/leads/{id}/mail").route(web::post().to(leads::conversation::write_mail)),
        )
        .service(
            resource("/leads/{id}/contact").route(web::post().to(leads::conversation::log_contact)),
        )
        .service(
            resource("/templates")
                .route(read().to(templates::show))
                .route(web::post().to(templates::save)),
        )
        .service(resource("/inbound").route(read().to(inbound::show)))
        .service(resource("/inbound/{id}").route(web::post().to(inbound::settle)))
        .service(resource("/contacts/{id}").route(read().to(contacts::show)))
        .service(resource("/contacts/{id}/export.json").route(read().to(contacts::export)))
        .service(resource("/contacts/{id}/erase").route(web::post().to(contacts::erase)))
        .service(
            resource("/routing")
                .route(read().to(routing::show))
                .route(web::post().to(routing::change)),
        )
        .service(resource("/audit").route(read().to(audit::show)))
        .service(
            resource("/webhooks")
                .route(read().to(webhooks::show))
                .route(web::post().to(webhooks::create)),
        )
        .service(resource("/webhooks/{id}").route(web::post().to(webhooks::update)))
        .service(resource("/webhooks/{id}/action").route(web::post().to(webhooks::act)))
        .service(
            resource("/webhooks/deliveries/{id}/redeliver")
                .route(web::post().to(webhooks::redeliver)),
        )
        .service(
            resource("/api-tokens")
                .route(read().to(api_tokens::show))
                .route(web::post().to(api_tokens::create)),
        )
        .service(resource("/api-tokens/{id}/revoke").route(web::post().to(api_tokens::revoke)))
        .service(
            resource("/users")
                .route(read().to(users::list))
                .route(web::post().to(users::add)),
        )
        .service(resource("/users/{id}/role").route(web::post().to(users::set_role)))
        .service(resource("/users/{id}/disable").route(web::post().to(users::disable)))
        .service(resource("/users/{id}/export").route(web::post().to(users::set_export)))
        .service(resource("/users/{id}/two-factor/reset").route(web::post().to(two_factor::reset)))
        .service(
            resource("/account/sessions/end").route(web::post().to(account::end_other_sessions)),
        )
        .service(
            resource("/account/password")
                .route(read().to(account::show))
                .route(web::post().to(account::change)),
        )
        .service(
            resource("/account/two-factor")
                .route(read().to(two_factor::show))
                .route(web::post().to(two_factor::turn_on)),
        )
        .service(
            resource("/account/two-factor/recovery-codes")
                .route(web::post().to(two_factor::renew_codes)),
        )
        .service(resource("/account/two-factor/off").route(web::post().to(two_factor::turn_off)))
        .default_service(web::to(handlers::not_found))
}
