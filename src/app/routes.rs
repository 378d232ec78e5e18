//! The one route table: every path, its methods, and the middleware around it.

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use std::net::TcpListener;
use tracing_actix_web::TracingLogger;

use crate::security::headers::security_headers;
use crate::security::session;
use crate::state::AppState;
use crate::web::{self as handlers, admin, health, public, static_files};

pub fn serve(
    listener: TcpListener,
    state: web::Data<AppState>,
    secret_key: Vec<u8>,
) -> anyhow::Result<Server> {
    let https = state.settings.is_https();
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(handlers::encoding::refuse_encoded_bodies))
            .wrap(security_headers(https))
            .wrap(TracingLogger::default())
            .app_data(state.clone())
            .app_data(public::lead_form::form_config())
            .service(
                web::resource("/healthz")
                    .route(web::get().to(health::healthz))
                    .default_service(web::to(handlers::method_not_allowed)),
            )
            .route("/static/{path:.*}", web::get().to(static_files::asset))
            .service(admin_scope(session::middleware(&secret_key, https)))
            .service(
                // Pages a visitor may land on: these record the first touch.
                web::scope("")
                    .wrap(from_fn(public::attribution::record_first_touch))
                    .service(
                        web::resource("/")
                            .route(web::get().to(public::catalog::catalog))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/privacy")
                            .route(web::get().to(public::privacy::privacy))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/reports/{slug}")
                            .route(web::get().to(public::report::report_page))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/reports/{slug}/thank-you")
                            .route(web::get().to(public::lead_form::thank_you))
                            .default_service(web::to(handlers::method_not_allowed)),
                    )
                    .service(
                        web::resource("/reports/{slug}/{form:sample-request|inquiry|discount}")
                            .route(web::get().to(public::lead_form::show_form))
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

/// A resource that answers other methods with 405.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(handlers::method_not_allowed))
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
    use admin::{account, audit, contacts, dashboard, leads, login, routing, users};
    web::scope("/admin")
        .wrap(sessions)
        .service(resource("").route(web::get().to(dashboard::dashboard)))
        .service(
            resource("/login")
                .route(web::get().to(login::show))
                .route(web::post().to(login::submit)),
        )
        .service(resource("/logout").route(web::post().to(login::logout)))
        .service(resource("/leads").route(web::get().to(leads::list::list)))
        .service(resource("/leads/export.csv").route(web::get().to(leads::export::export)))
        .service(resource("/leads/{id}").route(web::get().to(leads::detail::show)))
        .service(resource("/leads/{id}/status").route(web::post().to(leads::actions::set_status)))
        .service(resource("/leads/{id}/assign").route(web::post().to(leads::actions::assign)))
        .service(resource("/leads/{id}/notes").route(web::post().to(leads::actions::add_note)))
        .service(resource("/leads/{id}/release").route(web::post().to(leads::actions::release)))
        .service(resource("/contacts/{id}").route(web::get().to(contacts::show)))
        .service(resource("/contacts/{id}/export.json").route(web::get().to(contacts::export)))
        .service(resource("/contacts/{id}/erase").route(web::post().to(contacts::erase)))
        .service(
            resource("/routing")
                .route(web::get().to(routing::show))
                .route(web::post().to(routing::change)),
        )
        .service(resource("/audit").route(web::get().to(audit::show)))
        .service(
            resource("/users")
                .route(web::get().to(users::list))
                .route(web::post().to(users::add)),
        )
        .service(resource("/users/{id}/role").route(web::post().to(users::set_role)))
        .service(resource("/users/{id}/disable").route(web::post().to(users::disable)))
        .service(
            resource("/account/password")
                .route(web::get().to(account::show))
                .route(web::post().to(account::change)),
        )
        .default_service(web::to(handlers::not_found))
}
