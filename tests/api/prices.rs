//! Licences and prices on the report page, the discount request's target
//! price, and the report file's price checks.

use diesel::prelude::*;
use reportdesk::db::schema::lead_prices;

use crate::both_backends;
use crate::helpers::{REPORT_PATH, REPORT_SLUG, TestApp, valid_fields, with_field};

const BUNDLED: &str =
    include_str!("../../content/reports/global-medical-second-opinion-market.toml");

/// Every JSON-LD block of a page, parsed.
fn json_ld(page: &str) -> Vec<serde_json::Value> {
    page.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|rest| serde_json::from_str(&rest[..rest.find("</script>").unwrap()]).unwrap())
        .collect()
}

async fn the_page_shows_every_licence_in_the_chosen_currency_with_product_offers(app: &TestApp) {
    let page = app.get_page(REPORT_PATH).await;
    for price in ["USD 4,499.00", "USD 6,499.00", "USD 8,999.00"] {
        assert!(page.contains(price), "{price}");
    }
    assert!(page.contains("Multi-user (up to 10 people)"));
    assert!(page.contains(&format!(
        "{REPORT_PATH}/discount?licence=multi&#38;currency=USD"
    )));
    let euros = app.get_page(&format!("{REPORT_PATH}?currency=eur")).await;
    crate::html_pages::save("report-eur", &euros);
    for price in ["EUR 4,199.00", "EUR 5,999.00", "EUR 8,299.00"] {
        assert!(euros.contains(price), "{price}");
    }
    assert!(!euros.contains("USD 4,499.00"));
    assert!(euros.contains(&format!(
        "{REPORT_PATH}/inquiry?licence=enterprise&#38;currency=EUR"
    )));
    // A currency the report is not sold in shows the default.
    let yen = app.get_page(&format!("{REPORT_PATH}?currency=JPY")).await;
    assert!(yen.contains("USD 4,499.00"));

    let data = json_ld(&page);
    let product = data
        .iter()
        .find(|d| d["@type"] == "Product")
        .expect("a Product");
    assert_eq!(product["@context"], "https://schema.org");
    assert_eq!(
        product["name"],
        "Global Medical Second Opinion Market, 2025–2035"
    );
    let offers = product["offers"].as_array().unwrap();
    assert_eq!(offers.len(), 9);
    for offer in offers {
        assert_eq!(offer["@type"], "Offer");
        assert_eq!(offer["availability"], "https://schema.org/InStock");
        let price = offer["price"].as_str().unwrap();
        assert!(price.parse::<f64>().is_ok(), "{price}");
        assert_eq!(offer["priceCurrency"].as_str().unwrap().len(), 3);
    }
    assert!(data.iter().any(|d| d["@type"] == "FAQPage"));
}
both_backends!(the_page_shows_every_licence_in_the_chosen_currency_with_product_offers);

async fn a_discount_request_stores_the_list_price_and_the_price_asked(app: &TestApp) {
    let path = format!("{REPORT_PATH}/discount");
    let form = app
        .get_page(&format!("{path}?licence=multi&currency=EUR"))
        .await;
    crate::html_pages::save("form-discount-priced", &form);
    assert!(form.contains("list price EUR 5,999.00"));
    assert!(form.contains(r#"name="currency" value="EUR""#));
    assert!(form.contains(r#"id="licence-multi" name="licence" value="multi" checked"#));
    let fields = with_field(
        with_field(valid_fields(), "currency", "EUR"),
        "target_price",
        "5,000",
    );
    assert_eq!(app.submit(&path, fields).await.status(), 303);
    let lead = app.leads()[0].id;
    let mut conn = app.pool().get().unwrap();
    let stored: (String, Option<i64>, Option<i64>) = lead_prices::table
        .find(lead)
        .select((
            lead_prices::currency,
            lead_prices::list_price_minor,
            lead_prices::asked_price_minor,
        ))
        .first(&mut conn)
        .unwrap();
    assert_eq!(stored, ("EUR".into(), Some(599_900), Some(500_000)));
    // The buyer said they are in Great Britain: this browser now sees pounds.
    let pounds = app.get_page(REPORT_PATH).await;
    assert!(
        pounds.contains("GBP 3,599.00"),
        "prices in the buyer's currency"
    );
    assert!(pounds.contains(r#"aria-current="true"><strong>GBP</strong>"#));
    let admin = app.admin().await;
    let page = admin.page(&format!("/admin/leads/{lead}")).await;
    assert!(
        page.contains("list EUR 5,999.00 · asks EUR 5,000.00 (16.7 % off)"),
        "the desk shows the asked discount"
    );
    // A target price that is not a number is refused beside its field.
    let refused = app
        .submit(
            &path,
            with_field(
                with_field(valid_fields(), "currency", "EUR"),
                "target_price",
                "cheaper please",
            ),
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Type a price in EUR")
    );
}
both_backends!(a_discount_request_stores_the_list_price_and_the_price_asked);

async fn import_refuses_a_licence_without_the_default_currency_or_with_an_unknown_one(
    app: &TestApp,
) {
    let dir = app.db.dir.path();
    for (broken, field) in [
        (
            BUNDLED.replace(
                "prices = { USD = 649900, EUR = 599900, GBP = 519900 }",
                "prices = { EUR = 599900, GBP = 519900 }",
            ),
            "licences[1].prices",
        ),
        (
            BUNDLED.replace("GBP = 719900", "XYZ = 719900"),
            "licences[2].prices.XYZ",
        ),
    ] {
        let file = dir.join("priced.toml");
        std::fs::write(&file, broken.replace(REPORT_SLUG, "a-priced-report")).unwrap();
        let output = app.run_cli(&["report", "import", file.to_str().unwrap()], dir);
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(field), "{stderr}");
    }
    assert_eq!(app.get("/reports/a-priced-report").await.status(), 404);
}
both_backends!(import_refuses_a_licence_without_the_default_currency_or_with_an_unknown_one);
