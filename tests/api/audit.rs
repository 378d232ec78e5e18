//! `/admin/audit`: every staff action, on the desk and on leads, with who,
//! what, on what and when.

use crate::both_backends;
use crate::helpers::TestApp;
use crate::staff::{PASSWORD, new_browser};
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;

fn rows_with_action<'a>(page: &'a str, action: &str) -> Vec<&'a str> {
    let cell = format!("<td>{action}</td>");
    page.split("<tr>")
        .filter(|row| row.contains(&cell))
        .collect()
}

async fn the_audit_trail_records_the_desks_own_actions(app: &TestApp) {
    let ada = app.admin().await;
    let stranger = new_browser();
    app.try_login(&stranger, "ada@publisher.test", "not-the-password")
        .await;
    app.try_login(&stranger, "nobody@publisher.test", "whatever-it-is")
        .await;
    let sam_fields = [
        ("email", "sam@publisher.test"),
        ("name", "Sam Sales"),
        ("role", "sales"),
        ("password", PASSWORD),
    ];
    ada.post("/admin/users", "/admin/users", &sam_fields).await;
    let sam = app.user_id("sam@publisher.test");
    let role = format!("/admin/users/{sam}/role");
    ada.post("/admin/users", &role, &[("role", "admin")]).await;
    let export = format!("/admin/users/{sam}/export");
    ada.post("/admin/users", &export, &[("allow", "true")])
        .await;
    let sam_id = sam.to_string();
    let rule = [("country", "GB"), ("user", sam_id.as_str())];
    ada.post("/admin/routing", "/admin/routing", &rule).await;
    app.seed_lead(
        LeadKind::Inquiry,
        "b@acme.test",
        "Acme",
        LeadStatus::New,
        1_790_000_000,
    );
    let csv = ada
        .get("/admin/leads/export.csv?kind=inquiry&q=b%40acme.test")
        .await;
    assert_eq!(csv.status(), 200);
    csv.text().await.unwrap();
    let contact = app.contacts()[0].id;
    let erase = format!("/admin/contacts/{contact}/erase");
    let contact_page = format!("/admin/contacts/{contact}");
    ada.post(&contact_page, &erase, &[("confirm", "erase")])
        .await;

    let audit = ada.page("/admin/audit").await;
    let failed = rows_with_action(&audit, "login_failed");
    assert_eq!(failed.len(), 2, "both failed logins: {audit}");
    assert!(
        failed
            .iter()
            .any(|r| r.contains("Ada Admin &#60;ada@publisher.test&#62;"))
    );
    assert!(failed.iter().any(|r| r.contains("an unknown address")));
    assert!(failed.iter().all(|r| r.contains("from 127.0.0.1")));
    assert!(
        !audit.contains("nobody@publisher.test"),
        "unknown addresses are not kept"
    );
    assert_eq!(rows_with_action(&audit, "logged_in").len(), 1);
    let created = rows_with_action(&audit, "user_created");
    assert!(created[0].contains("Sam Sales") && created[0].contains("<td>Ada Admin</td>"));
    assert!(rows_with_action(&audit, "role_changed")[0].contains("<td>admin</td>"));
    assert_eq!(rows_with_action(&audit, "export_allowed").len(), 1);
    assert!(rows_with_action(&audit, "routing_changed")[0].contains("routing for GB"));
    let exported = rows_with_action(&audit, "leads_exported");
    assert!(
        exported[0].contains("1 rows; kind=inquiry and a text search"),
        "{}",
        exported[0]
    );
    assert!(
        !audit.contains("b@acme.test"),
        "the search term is not kept"
    );
    assert_eq!(rows_with_action(&audit, "contact_erased").len(), 1);
    assert_eq!(
        rows_with_action(&audit, "erased").len(),
        1,
        "the lead event too"
    );

    let only_failures = ada.page("/admin/audit?kind=login_failed").await;
    assert_eq!(rows_with_action(&only_failures, "login_failed").len(), 2);
    assert!(rows_with_action(&only_failures, "user_created").is_empty());
    let by_sam = ada.page(&format!("/admin/audit?actor={sam}")).await;
    assert!(rows_with_action(&by_sam, "user_created").is_empty());

    ada.post("/admin", "/admin/logout", &[]).await;
    let sam_client = app.login("sam@publisher.test").await;
    let audit = sam_client.page("/admin/audit").await;
    assert_eq!(rows_with_action(&audit, "logged_out").len(), 1);
}
both_backends!(the_audit_trail_records_the_desks_own_actions);

async fn a_sales_user_exports_leads_only_when_an_admin_allows_it(app: &TestApp) {
    let sam = app.create_user("sam@publisher.test", "Sam Sales", "sales");
    let ada = app.admin().await;
    app.seed_lead(
        LeadKind::Inquiry,
        "b@acme.test",
        "Acme",
        LeadStatus::New,
        1_790_000_000,
    );
    let sam_client = app.login("sam@publisher.test").await;
    assert_eq!(
        sam_client.get("/admin/leads/export.csv").await.status(),
        403
    );
    assert!(!sam_client.page("/admin/leads").await.contains("Export CSV"));

    let allow = format!("/admin/users/{sam}/export");
    ada.post("/admin/users", &allow, &[("allow", "true")]).await;
    assert!(sam_client.page("/admin/leads").await.contains("Export CSV"));
    let csv = sam_client.get("/admin/leads/export.csv").await;
    assert_eq!(csv.status(), 200);
    assert!(csv.text().await.unwrap().contains("b@acme.test"));
    let audit = ada
        .page(&format!("/admin/audit?actor={sam}&kind=leads_exported"))
        .await;
    assert!(audit.contains("1 rows; no filter"), "{audit}");

    ada.post("/admin/users", &allow, &[("allow", "false")])
        .await;
    assert_eq!(
        sam_client.get("/admin/leads/export.csv").await.status(),
        403
    );
}
both_backends!(a_sales_user_exports_leads_only_when_an_admin_allows_it);
