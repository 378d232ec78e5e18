//! The JSON API for the CRM: bearer tokens made on the desk, the desk's
//! filters with cursor pages, changes through the workflow (events, audit,
//! webhooks), RFC 9457 problems, and an OpenAPI 3.1 document that validates
//! and that every route answers as documented.

use std::collections::HashSet;

use reportdesk::db::now_unix;
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;
use reportdesk::settings::Settings;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::TestApp;
use crate::helpers::receiver::Receiver;
use crate::helpers::tools::openapi_spec_validator;
use crate::staff::StaffClient;
use crate::webhooks::add_endpoint;

/// Creates a token on the desk; answers it (shown once).
async fn new_token(admin: &StaffClient<'_>, scope: &str) -> String {
    let response = admin
        .post(
            "/admin/api-tokens",
            "/admin/api-tokens",
            &[("name", "HubSpot sync"), ("scope", scope)],
        )
        .await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    let start = page.find("id=\"new-token\">").expect("the token is shown") + 15;
    page[start..start + page[start..].find('<').unwrap()].to_owned()
}

async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, String, Value) {
    let mut request = app
        .client
        .request(method.parse().unwrap(), app.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = response.text().await.unwrap();
    (
        status,
        content_type,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

fn seed(app: &TestApp, n: usize, kind: LeadKind, status: LeadStatus) -> Vec<i64> {
    (0..n)
        .map(|i| {
            app.seed_lead(
                kind,
                &format!("buyer{i}.{}@clinic.example", kind.as_db()),
                "Clinic",
                status,
                now_unix() - 60,
            )
        })
        .collect()
}

async fn the_api_pages_through_a_thousand_leads_while_new_ones_arrive_missing_none(app: &TestApp) {
    let admin = app.admin().await;
    let token = new_token(&admin, "read").await;
    let existing: HashSet<i64> = seed(app, 1000, LeadKind::Inquiry, LeadStatus::New)
        .into_iter()
        .collect();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut arriving = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/leads?limit=150&cursor={c}"),
            None => "/api/v1/leads?limit=150".to_owned(),
        };
        let (status, content_type, page) = call(app, "GET", &path, &token, None).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(content_type, "application/json");
        seen.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["id"].as_i64().unwrap()),
        );
        // New buyers keep writing while the CRM pages.
        for _ in 0..5 {
            app.seed_lead(
                LeadKind::Discount,
                &format!("late{arriving}@clinic.example"),
                "Late",
                LeadStatus::New,
                now_unix(),
            );
            arriving += 1;
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let unique: HashSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no lead twice");
    assert!(existing.is_subset(&unique), "no lead missing");
    let descending = seen.windows(2).all(|w| w[0] > w[1]);
    assert!(descending, "newest first");
}
both_backends!(the_api_pages_through_a_thousand_leads_while_new_ones_arrive_missing_none);

async fn the_api_filters_as_the_desk_does_and_names_the_field_it_cannot_read(app: &TestApp) {
    let admin = app.admin().await;
    let token = new_token(&admin, "read").await;
    seed(app, 3, LeadKind::Discount, LeadStatus::Won);
    seed(app, 2, LeadKind::SampleRequest, LeadStatus::New);
    let special = app.seed_lead(
        LeadKind::Inquiry,
        "ines@oncology-partners.example",
        "Oncology Partners",
        LeadStatus::New,
        now_unix(),
    );
    let count = |page: &Value| page["data"].as_array().unwrap().len();
    let (_, _, won) = call(
        app,
        "GET",
        "/api/v1/leads?status=won&kind=discount",
        &token,
        None,
    )
    .await;
    assert_eq!(count(&won), 3);
    assert!(
        won["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["status"] == "won")
    );
    let (_, _, found) = call(app, "GET", "/api/v1/leads?q=oncology", &token, None).await;
    assert_eq!(count(&found), 1);
    let lead = &found["data"][0];
    assert_eq!(lead["id"], special);
    assert_eq!(lead["contact"]["company"], "Oncology Partners");
    assert_eq!(
        lead["report"]["slug"],
        "global-medical-second-opinion-market"
    );
    assert!(lead["score"].is_i64() && lead["attribution"].is_object());
    assert_eq!(lead["consent"]["text_version"], "test");
    let today = jiff::Timestamp::now().strftime("%Y-%m-%d").to_string();
    let (_, _, dated) = call(
        app,
        "GET",
        &format!(
            "/api/v1/leads?from={today}&to={today}&report=global-medical-second-opinion-market"
        ),
        &token,
        None,
    )
    .await;
    assert_eq!(count(&dated), 6);
    let (_, _, none) = call(
        app,
        "GET",
        "/api/v1/leads?from=2001-01-01&to=2001-01-02",
        &token,
        None,
    )
    .await;
    assert_eq!(count(&none), 0);
    for (query, field) in [
        ("status=closed", "status"),
        ("limit=500", "limit"),
        ("from=27.11.2026", "from"),
        ("cursor=xyz", "cursor"),
        ("report=no-such-report", "report"),
        ("assignee=ada", "assignee"),
    ] {
        let (status, content_type, problem) =
            call(app, "GET", &format!("/api/v1/leads?{query}"), &token, None).await;
        assert_eq!(status, 422, "{query}");
        assert_eq!(content_type, "application/problem+json");
        assert_eq!(problem["status"], 422);
        assert_eq!(problem["field"], field, "{query}: {problem}");
    }
    let (status, _, problem) = call(app, "GET", "/api/v1/leads/999999", &token, None).await;
    assert_eq!(
        (status, problem["title"].as_str()),
        (404, Some("Not Found"))
    );
    let (_, _, reports) = call(app, "GET", "/api/v1/reports", &token, None).await;
    assert_eq!(reports[0]["slug"], "global-medical-second-opinion-market");
    let (_, _, users) = call(app, "GET", "/api/v1/users", &token, None).await;
    assert_eq!(users[0]["role"], "admin");
    assert_eq!(users[0]["active"], true);
}
both_backends!(the_api_filters_as_the_desk_does_and_names_the_field_it_cannot_read);

async fn an_api_change_is_the_desks_change_with_its_event_audit_and_webhook(app: &TestApp) {
    let receiver = Receiver::start().await;
    let admin = app.admin().await;
    add_endpoint(
        &admin,
        &receiver.url,
        &["lead.status_changed", "lead.note_added", "lead.assigned"],
        "standard",
    )
    .await;
    let writer = new_token(&admin, "read_write").await;
    let reader = new_token(&admin, "read").await;
    let lead = app.seed_lead(
        LeadKind::Discount,
        "kim@clinic.example",
        "Clinic",
        LeadStatus::New,
        now_unix(),
    );
    let sam = app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let path = format!("/api/v1/leads/{lead}");
    // A read token may not change anything.
    let (status, content_type, problem) =
        call(app, "PATCH", &path, &reader, Some(json!({"status": "won"}))).await;
    assert_eq!(
        (status, content_type.as_str()),
        (403, "application/problem+json")
    );
    assert!(problem["detail"].as_str().unwrap().contains("read_write"));
    // Moving on needs a next step, as on the desk.
    let (status, _, problem) = call(
        app,
        "PATCH",
        &path,
        &writer,
        Some(json!({"status": "qualified"})),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    let (status, _, problem) = call(
        app,
        "PATCH",
        &path,
        &writer,
        Some(json!({"status": "lost"})),
    )
    .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("lost_reason"))
    );
    let (status, _, problem) =
        call(app, "PATCH", &path, &writer, Some(json!({"stage": "won"}))).await;
    assert_eq!(status, 422, "an unknown field is refused: {problem}");
    let change = json!({"status": "qualified", "next_action": "Call about the multi-user licence", "next_action_at": "2030-01-15T10:00:00Z", "assignee_id": sam});
    let (status, _, changed) = call(app, "PATCH", &path, &writer, Some(change)).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["status"], "qualified");
    assert_eq!(changed["owner"]["name"], "Sam Sales");
    let (status, _, problem) = call(
        app,
        "PATCH",
        &path,
        &writer,
        Some(json!({"assignee_id": 424242})),
    )
    .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("assignee_id")),
        "an unknown owner is refused"
    );
    let (status, _, noted) = call(
        app,
        "POST",
        &format!("{path}/notes"),
        &writer,
        Some(json!({"text": "Budget confirmed by phone"})),
    )
    .await;
    assert_eq!(status, 201);
    let kinds: Vec<&str> = noted["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"status_changed") && kinds.contains(&"note"),
        "{kinds:?}"
    );
    let actor = &noted["events"].as_array().unwrap().last().unwrap()["actor"];
    assert_eq!(
        actor["name"], "Ada Admin",
        "changes are the token creator's"
    );
    // The desk's audit trail and the CRM's webhooks see the same change.
    let audit = admin.page("/admin/audit").await;
    assert!(
        audit.contains("API token HubSpot sync"),
        "token creation is audited"
    );
    app.deliver_webhooks().await;
    let received = receiver.wait_for(3, 5).await;
    let types: Vec<String> = received
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        types.contains(&"lead.status_changed".to_owned()),
        "{types:?}"
    );
    assert!(types.contains(&"lead.note_added".to_owned()), "{types:?}");
    assert!(types.contains(&"lead.assigned".to_owned()), "{types:?}");
}
both_backends!(an_api_change_is_the_desks_change_with_its_event_audit_and_webhook);

async fn a_revoked_or_unknown_token_gets_401_and_the_revocation_is_audited(app: &TestApp) {
    let admin = app.admin().await;
    let token = new_token(&admin, "read").await;
    assert_eq!(call(app, "GET", "/api/v1/leads", &token, None).await.0, 200);
    let page = admin.page("/admin/api-tokens").await;
    let start = page.find("/admin/api-tokens/").unwrap() + 18;
    let id = &page[start..start + page[start..].find('/').unwrap()];
    let response = admin
        .post(
            "/admin/api-tokens",
            &format!("/admin/api-tokens/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(response.status(), 303);
    let response = app
        .client
        .get(app.url("/api/v1/leads"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    assert!(response.text().await.unwrap().contains("revoked"));
    assert_eq!(
        call(app, "GET", "/api/v1/leads", "rdk_guessed", None)
            .await
            .0,
        401
    );
    let bare = app
        .client
        .get(app.url("/api/v1/leads"))
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 401);
    let audit = admin.page("/admin/audit").await;
    assert!(
        audit.contains("api_token_revoked") || audit.contains("API token #"),
        "revocation is audited"
    );
    assert!(admin.page("/admin/api-tokens").await.contains("revoked"));
}
both_backends!(a_revoked_or_unknown_token_gets_401_and_the_revocation_is_audited);

fn three_requests_a_minute(settings: &mut Settings) {
    settings.api_requests_per_minute = 3;
}

async fn a_token_over_its_rate_limit_is_told_to_wait(app: &TestApp) {
    let admin = app.admin().await;
    let token = new_token(&admin, "read").await;
    for _ in 0..3 {
        assert_eq!(call(app, "GET", "/api/v1/users", &token, None).await.0, 200);
    }
    let response = app
        .client
        .get(app.url("/api/v1/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
}
both_backends!(
    a_token_over_its_rate_limit_is_told_to_wait,
    three_requests_a_minute
);

/// The documented statuses of an operation.
fn documented(operation: &Value) -> Vec<u16> {
    operation["responses"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.parse().unwrap())
        .collect()
}

async fn the_openapi_document_validates_and_every_route_answers_as_documented(app: &TestApp) {
    let response = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let document: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    if openapi_spec_validator() {
        let path = app.db.dir.path().join("openapi.json");
        std::fs::write(&path, &text).unwrap();
        let output = std::process::Command::new("python3")
            .args(["-m", "openapi_spec_validator", path.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
    let admin = app.admin().await;
    let writer = new_token(&admin, "read_write").await;
    let lead = app.seed_lead(
        LeadKind::Inquiry,
        "kim@clinic.example",
        "Clinic",
        LeadStatus::New,
        now_unix(),
    );
    let paths = document["paths"].as_object().unwrap();
    let expected = [
        "/api/v1/leads",
        "/api/v1/leads/{id}",
        "/api/v1/leads/{id}/notes",
        "/api/v1/reports",
        "/api/v1/users",
    ];
    for route in expected {
        assert!(paths.contains_key(route), "{route} is documented");
    }
    for (route, operations) in paths {
        let concrete = route.replace("{id}", &lead.to_string());
        for (method, operation) in operations.as_object().unwrap() {
            let statuses = documented(operation);
            let body = match method.as_str() {
                "patch" => Some(json!({"assignee_id": null})),
                "post" => Some(json!({"text": "Checked against the document"})),
                _ => None,
            };
            let upper = method.to_uppercase();
            let (status, content_type, _) =
                call(app, &upper, &concrete, &writer, body.clone()).await;
            assert!(
                statuses.contains(&status),
                "{upper} {route} answered {status}, documented {statuses:?}"
            );
            assert!(
                content_type.starts_with("application/json"),
                "{upper} {route}: {content_type}"
            );
            // Without a token: the documented 401, as a problem.
            let (status, content_type, _) = call(app, &upper, &concrete, "", body).await;
            assert!(
                statuses.contains(&401) && status == 401,
                "{upper} {route} without a token: {status}"
            );
            assert_eq!(content_type, "application/problem+json");
        }
    }
    let (status, content_type, _) = call(
        app,
        "DELETE",
        &format!("/api/v1/leads/{lead}"),
        &writer,
        None,
    )
    .await;
    assert_eq!(
        (status, content_type.as_str()),
        (405, "application/problem+json")
    );
    let (status, _, _) = call(app, "GET", "/api/v1/nothing-here", &writer, None).await;
    assert_eq!(status, 404);
}
both_backends!(the_openapi_document_validates_and_every_route_answers_as_documented);

async fn a_first_response_and_a_buyers_reply_move_the_leads_updated_at(app: &TestApp) {
    let admin = app.admin().await;
    let reader = new_token(&admin, "read").await;
    let two_hours_ago = now_unix() - 7200;
    let lead = app.seed_lead(
        LeadKind::Inquiry,
        "lee@clinic.example",
        "Clinic",
        LeadStatus::New,
        two_hours_ago,
    );
    let path = format!("/api/v1/leads/{lead}");
    let (_, _, before) = call(app, "GET", &path, &reader, None).await;
    assert_eq!(before["first_response_at"], Value::Null);

    let answered = now_unix() - 3600;
    let mut conn = app.pool().get().unwrap();
    reportdesk::db::models::lead::Lead::record_contact(&mut conn, lead, answered).unwrap();
    let (_, _, after) = call(app, "GET", &path, &reader, None).await;
    let at = reportdesk::domain::lead_json::api_time(answered);
    assert_eq!(after["first_response_at"], at.as_str());
    assert_eq!(
        after["updated_at"],
        at.as_str(),
        "a client syncing by updated_at sees it"
    );

    let wrote = now_unix() - 60;
    reportdesk::db::models::lead::Lead::set_buyer_waiting(&mut conn, lead, Some(wrote), wrote)
        .unwrap();
    let (_, _, replied) = call(app, "GET", &path, &reader, None).await;
    let at = reportdesk::domain::lead_json::api_time(wrote);
    assert_eq!(replied["updated_at"], at.as_str());
}
both_backends!(a_first_response_and_a_buyers_reply_move_the_leads_updated_at);
