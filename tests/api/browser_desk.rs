//! The lead list as a sales person sees it on a laptop and on a phone, in a
//! real browser: dense enough to work from, and no page wider than the screen.

use fantoccini::Locator;
use reportdesk::db::Backend;
use reportdesk::db::now_unix;
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;

use crate::browser::Browser;
use crate::helpers::TestApp;
use crate::staff::PASSWORD;

/// 60 characters: a real address from a long company domain.
const LONG_EMAIL: &str = "procurement.department.emea1@very-long-company-names.example";

async fn sideways_overflow(browser: &Browser) -> i64 {
    browser
        .eval("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        .await
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_fits_fifteen_leads_on_a_laptop_and_no_desk_page_scrolls_sideways_on_a_phone() {
    let Some(browser) = Browser::start(1366, 900).await else {
        return;
    };
    assert_eq!(LONG_EMAIL.len(), 60);
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    app.create_user("ada@publisher.test", "Ada Admin", "admin");
    let now = now_unix();
    for i in 0..100_i64 {
        let kind = LeadKind::ALL[(i % 3) as usize];
        let email = format!("buyer{i}@firm{i}.test");
        let company = format!("Firm number {i} International");
        app.seed_lead(kind, &email, &company, LeadStatus::New, now - i * 3600);
    }
    let long = app.seed_lead(
        LeadKind::Inquiry,
        LONG_EMAIL,
        "Very Long Company Name Holdings",
        LeadStatus::New,
        now,
    );
    let contact = app
        .leads()
        .iter()
        .find(|l| l.id == long)
        .unwrap()
        .contact_id;

    browser.goto(&app.url("/admin/leads")).await;
    browser.fill("#email", "ada@publisher.test").await;
    browser.fill("#password", PASSWORD).await;
    browser
        .click_to_navigate(browser.css("form button[type=submit]").await)
        .await;
    assert_eq!(browser.path().await, "/admin/leads");
    let visible = browser
        .eval(
            "return [...document.querySelectorAll('tr[data-lead-id]')]
                .filter(r => r.getBoundingClientRect().bottom <= window.innerHeight).length",
        )
        .await
        .as_i64()
        .unwrap();
    browser.check_page("admin-leads-desktop").await;
    assert!(visible >= 15, "{visible} leads visible at 1366×900");
    browser.client.set_window_size(1280, 900).await.unwrap();
    assert_eq!(sideways_overflow(&browser).await, 0, "the list at 1280 px");

    browser.client.set_window_size(390, 844).await.unwrap();
    let folded = browser.css("details.filter-box").await;
    assert_eq!(
        folded.attr("open").await.unwrap(),
        None,
        "filters fold on a phone"
    );
    browser.screenshot("admin-leads-phone").await;
    let lead = format!("/admin/leads/{long}");
    let contact = format!("/admin/contacts/{contact}");
    for path in [
        "/admin",
        "/admin/leads",
        "/admin/my-day",
        lead.as_str(),
        contact.as_str(),
        "/admin/users",
        "/admin/routing",
        "/admin/templates",
        "/admin/inbound",
        "/admin/audit",
        "/admin/account/password",
    ] {
        browser.goto(&app.url(path)).await;
        assert_eq!(sideways_overflow(&browser).await, 0, "{path} at 390 px");
    }
    browser.goto(&app.url(&lead)).await;
    browser.screenshot("admin-lead-phone").await;
    let email = browser.client.find(Locator::LinkText(LONG_EMAIL)).await;
    assert!(email.is_ok(), "the long address is shown whole, wrapped");
    keyboard_only_bulk_assign(&browser, &app).await;
    app.stop().await;
    browser.close().await;
}

/// Two leads given to Sam with the keyboard alone: Space ticks, typing
/// chooses, Enter sends.
async fn keyboard_only_bulk_assign(browser: &Browser, app: &TestApp) {
    use fantoccini::key::Key;
    let sam = app.create_user("sam@publisher.test", "Sam Sales", "sales");
    browser.client.set_window_size(1366, 900).await.unwrap();
    browser.goto(&app.url("/admin/leads")).await;
    let boxes = browser
        .client
        .find_all(Locator::Css("input[name^='lead-']"))
        .await
        .unwrap();
    for tick in &boxes[..2] {
        tick.send_keys(" ").await.unwrap();
    }
    browser
        .css("#bulk-action")
        .await
        .send_keys("assign")
        .await
        .unwrap();
    browser
        .css("#bulk-owner")
        .await
        .send_keys("Sam")
        .await
        .unwrap();
    browser
        .css(".bulk-bar button")
        .await
        .send_keys(&Key::Enter.to_string())
        .await
        .unwrap();
    browser.wait_until_path("/admin/leads/bulk").await;
    assert!(
        browser
            .css(".lede")
            .await
            .text()
            .await
            .unwrap()
            .contains("Assign to Sam Sales — 2 leads?")
    );
    let confirm = browser.css("form[action='/admin/leads/bulk'] button").await;
    confirm.send_keys(&Key::Enter.to_string()).await.unwrap();
    browser.wait_until_path("/admin/leads").await;
    let owned = app
        .leads()
        .iter()
        .filter(|l| {
            let mut conn = app.pool().get().unwrap();
            let lead = reportdesk::db::models::lead::Lead::find(&mut conn, l.id)
                .unwrap()
                .unwrap();
            lead.assignee_id == Some(sam)
        })
        .count();
    assert_eq!(owned, 2);
}
