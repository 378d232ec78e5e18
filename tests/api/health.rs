//! `/healthz` tells a load balancer whether this instance can serve.

use crate::both_backends;
use crate::helpers::TestApp;

async fn healthz_answers_ok_while_the_database_answers(app: &TestApp) {
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}
both_backends!(healthz_answers_ok_while_the_database_answers);

async fn healthz_answers_503_once_the_database_is_gone(app: &TestApp) {
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.destroy_database().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 503);
}
both_backends!(healthz_answers_503_once_the_database_is_gone);
