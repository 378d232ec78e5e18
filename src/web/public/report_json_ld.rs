//! The report page's structured data for search engines: the FAQ, and the
//! report as a schema.org `Product` with an `Offer` per licence and currency.

use crate::domain::pricing::plain_amount;
use crate::domain::report::ReportDocument;

/// JSON for a `<script>` element: `<`, `>` and `&` are written as JSON
/// escapes, so no text from the report can close the element.
fn script_safe(data: &serde_json::Value) -> String {
    data.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// schema.org FAQPage.
pub fn faq(doc: &ReportDocument) -> String {
    let questions: Vec<_> = doc
        .sections
        .faq
        .iter()
        .map(|entry| {
            serde_json::json!({
                "@type": "Question",
                "name": entry.question,
                "acceptedAnswer": { "@type": "Answer", "text": entry.answer },
            })
        })
        .collect();
    script_safe(&serde_json::json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": questions,
    }))
}

/// schema.org Product with its offers, or `None` for a report without
/// prices (an Offer without a price is not one).
pub fn product(doc: &ReportDocument, page_url: &str, publisher: &str) -> Option<String> {
    if doc.licences.is_empty() {
        return None;
    }
    let mut offers = Vec::new();
    for tier in &doc.licences {
        for (currency, minor) in &tier.prices {
            offers.push(serde_json::json!({
                "@type": "Offer",
                "name": tier.name,
                "description": tier.description,
                "price": plain_amount(*minor, currency),
                "priceCurrency": currency,
                "availability": "https://schema.org/InStock",
                "url": format!("{page_url}?currency={currency}#prices"),
            }));
        }
    }
    let mut product = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": doc.title,
        "description": doc.summary,
        "url": page_url,
        "category": "Market research report",
        "offers": offers,
    });
    if !publisher.is_empty() {
        product["brand"] = serde_json::json!({ "@type": "Organization", "name": publisher });
    }
    Some(script_safe(&product))
}

/// (href, name) of the report's industry page, when it names an industry.
pub fn industry_link(doc: &ReportDocument) -> Option<(String, String)> {
    let name = doc.industry.as_ref()?;
    let slug = crate::domain::slug::Slug::from_name(name)?;
    Some((format!("/industries/{slug}"), name.clone()))
}

/// schema.org BreadcrumbList (catalogue › industry › report) and the publisher as an
/// Organization, when its name is set.
pub fn breadcrumbs_and_publisher(
    doc: &ReportDocument,
    public_base: &str,
    publisher: &crate::domain::publisher::Publisher,
    publisher_set: bool,
) -> String {
    let mut crumbs = vec![("Reports".to_owned(), format!("{public_base}/"))];
    if let Some((href, name)) = industry_link(doc) {
        crumbs.push((name, format!("{public_base}{href}")));
    }
    crumbs.push((
        doc.title.clone(),
        format!("{public_base}/reports/{}", doc.slug),
    ));
    let items: Vec<serde_json::Value> = crumbs
        .into_iter()
        .enumerate()
        .map(|(i, (name, item))| {
            serde_json::json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": item })
        })
        .collect();
    let mut graph = vec![serde_json::json!({
        "@type": "BreadcrumbList",
        "itemListElement": items,
    })];
    if publisher_set {
        graph.push(serde_json::json!({
            "@type": "Organization",
            "name": publisher.name,
            "url": publisher.url,
            "address": publisher.address,
        }));
    }
    script_safe(&serde_json::json!({ "@context": "https://schema.org", "@graph": graph }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> ReportDocument {
        ReportDocument::parse_toml(crate::content::BUNDLED_REPORT).unwrap()
    }

    #[test]
    fn faq_data_cannot_close_its_script_element() {
        let mut doc = bundled();
        doc.sections.faq[0].answer = "</script><script>alert(1)</script>".into();
        let json = faq(&doc);
        assert!(!json.contains("</script"));
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            parsed["mainEntity"][0]["acceptedAnswer"]["text"],
            "</script><script>alert(1)</script>"
        );
    }

    #[test]
    fn the_product_offers_every_licence_in_every_currency_with_a_plain_price() {
        let json = product(&bundled(), "https://r.test/reports/x", "Acme Research").unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["@type"], "Product");
        assert_eq!(parsed["brand"]["name"], "Acme Research");
        let offers = parsed["offers"].as_array().unwrap();
        assert_eq!(offers.len(), 9);
        let single_usd = offers
            .iter()
            .find(|o| o["name"] == "Single user" && o["priceCurrency"] == "USD")
            .unwrap();
        assert_eq!(single_usd["price"], "4499.00");
        assert_eq!(single_usd["availability"], "https://schema.org/InStock");
    }

    #[test]
    fn the_breadcrumbs_lead_from_the_catalogue_through_the_industry_to_the_report() {
        let publisher = crate::domain::publisher::Publisher::new(
            "Acme Research",
            "1 Main St",
            "https://acme.test",
        );
        let json = breadcrumbs_and_publisher(&bundled(), "https://r.test", &publisher, true);
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        let crumbs = &parsed["@graph"][0]["itemListElement"];
        assert_eq!(crumbs[0]["item"], "https://r.test/");
        assert_eq!(crumbs[1]["item"], "https://r.test/industries/healthcare");
        assert_eq!(crumbs[1]["name"], "Healthcare");
        assert_eq!(
            crumbs[2]["item"],
            "https://r.test/reports/global-medical-second-opinion-market"
        );
        assert_eq!(crumbs[2]["position"], 3);
        assert_eq!(parsed["@graph"][1]["@type"], "Organization");
        assert_eq!(parsed["@graph"][1]["name"], "Acme Research");
    }

    #[test]
    fn a_report_without_prices_has_no_product_data() {
        let mut doc = bundled();
        doc.licences.clear();
        assert_eq!(product(&doc, "https://r.test/reports/x", ""), None);
    }
}
