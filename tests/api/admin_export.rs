//! `/admin/leads/export.csv`.

use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;

use crate::both_backends;
use crate::helpers::TestApp;
use crate::helpers::{REPORT_PATH, valid_fields, with_field};

async fn the_export_is_csv_with_a_header_quoting_and_neutralised_formulas(app: &TestApp) {
    let ada = app.admin().await;
    let fields = with_field(
        with_field(
            valid_fields(),
            "company",
            "=HYPERLINK(\"http://evil.test\",\"x\")",
        ),
        "message",
        "Line one, with a comma\nLine \"two\"",
    );
    assert_eq!(
        app.submit(&format!("{REPORT_PATH}/inquiry"), fields)
            .await
            .status(),
        303
    );
    let response = ada.get("/admin/leads/export.csv").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        &header[..8],
        [
            "id",
            "created_at",
            "kind",
            "status",
            "score",
            "report",
            "name",
            "email"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let cell = |name: &str| rows[0][header.iter().position(|h| h == name).unwrap()].to_owned();
    assert_eq!(cell("company"), "'=HYPERLINK(\"http://evil.test\",\"x\")");
    assert_eq!(cell("message"), "Line one, with a comma\nLine \"two\"");
    assert_eq!(cell("phone"), "'+44 20 7946 0958");
    assert_eq!(cell("email"), "jane.doe@acme-health.com");
}
both_backends!(the_export_is_csv_with_a_header_quoting_and_neutralised_formulas);

async fn the_export_follows_the_list_filters_and_streams_many_rows(app: &TestApp) {
    let ada = app.admin().await;
    for i in 0..1205 {
        let kind = if i % 5 == 0 {
            LeadKind::Discount
        } else {
            LeadKind::Inquiry
        };
        app.seed_lead(
            kind,
            &format!("b{i}@acme.test"),
            "Zoë & Co",
            LeadStatus::New,
            1_790_000_000 + i,
        );
    }
    let all = ada
        .get("/admin/leads/export.csv")
        .await
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(all.as_bytes());
    let ids: Vec<i64> = reader
        .records()
        .map(|r| r.unwrap()[0].parse().unwrap())
        .collect();
    assert_eq!(ids.len(), 1205, "every row across chunk boundaries");
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "newest first, none twice"
    );
    assert!(all.contains("Zoë & Co"), "UTF-8 kept");
    let discounts = ada
        .get("/admin/leads/export.csv?kind=discount")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        csv::Reader::from_reader(discounts.as_bytes())
            .records()
            .count(),
        241
    );
}
both_backends!(the_export_follows_the_list_filters_and_streams_many_rows);
