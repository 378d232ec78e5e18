//! `/healthz` tells a load balancer whether this instance can serve.

use crate::on_both_backends;

on_both_backends! {
    async fn healthz_answers_ok_while_the_database_answers(app) {
        let response = app.get("/healthz").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "ok");
    }

    async fn healthz_answers_503_once_the_database_is_gone(app) {
        assert_eq!(app.get("/healthz").await.status(), 200);
        app.destroy_database().await;
        let response = app.get("/healthz").await;
        assert_eq!(response.status(), 503);
    }
}
