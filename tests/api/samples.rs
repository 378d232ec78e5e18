//! "Download Sample": the link in the confirmation (or sent from the desk),
//! its limits, and what the owner hears when it is opened.

use diesel::prelude::*;
use reportdesk::db::Backend;
use reportdesk::db::schema::{leads, report_samples, sample_deliveries};

use crate::both_backends;
use crate::helpers::{REPORT_PATH, TestApp, valid_fields, with_field};

fn sample_form() -> String {
    format!("{REPORT_PATH}/sample-request")
}

/// The path of the sample link in a mail's text.
fn link_in(text: &str) -> String {
    let start = text.find("/samples/").expect("a sample link in the mail");
    text[start..]
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap()
        .to_owned()
}

fn stored_sample_bytes(app: &TestApp) -> Vec<Vec<u8>> {
    let mut conn = app.pool().get().unwrap();
    report_samples::table
        .order(report_samples::id)
        .select(report_samples::bytes)
        .load(&mut conn)
        .unwrap()
}

fn lead_count(app: &TestApp) -> i64 {
    let mut conn = app.pool().get().unwrap();
    leads::table.count().get_result(&mut conn).unwrap()
}

async fn a_business_sample_request_gets_a_link_to_the_stored_pdf(app: &TestApp) {
    app.submit(&sample_form(), valid_fields()).await;
    let (_, text) = &app.outbox_mails("buyer_confirmation")[0];
    assert!(text.contains("Your sample is ready to download"), "{text}");
    assert!(text.contains("up to 5 downloads"), "{text}");
    let response = app.get(&link_in(text)).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"global-medical-second-opinion-market-sample.pdf\""
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-robots-tag"], "noindex");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(stored_sample_bytes(app), [bytes.to_vec()]);
}
both_backends!(a_business_sample_request_gets_a_link_to_the_stored_pdf);

async fn a_free_mail_request_awaits_review_until_sales_send_the_sample(app: &TestApp) {
    let fields = with_field(valid_fields(), "email", "jane.doe@gmail.com");
    app.submit(&sample_form(), fields).await;
    let (_, text) = &app.outbox_mails("buyer_confirmation")[0];
    assert!(text.contains("We check each sample request"), "{text}");
    assert!(!text.contains("/samples/"));
    let id = app.leads()[0].id;
    let detail = format!("/admin/leads/{id}");
    let ada = app.admin().await;
    assert!(ada.page(&detail).await.contains("Awaiting review"));

    let sent = ada.post(&detail, &format!("{detail}/sample"), &[]).await;
    assert_eq!(sent.status(), 303);
    let links = app.outbox_mails("sample_link");
    assert_eq!(links.len(), 1);
    assert!(links[0].0.contains("jane.doe@gmail.com"));
    assert_eq!(app.get(&link_in(&links[0].1)).await.status(), 200);
    let sent = app.event_details("sample_sent");
    assert_eq!(sent.len(), 1, "the desk's send is on the timeline");
    let page = ada.page(&detail).await;
    assert!(page.contains("Downloaded 1 time: first"), "{page}");
    assert!(page.contains("Send again"));
}
both_backends!(a_free_mail_request_awaits_review_until_sales_send_the_sample);

async fn a_link_gives_five_downloads_and_the_sixth_is_gone(app: &TestApp) {
    app.submit(&sample_form(), valid_fields()).await;
    let link = link_in(&app.outbox_mails("buyer_confirmation")[0].1);
    // A HEAD (a link checker, a preview) is no download.
    let head = app.client.head(app.url(&link)).send().await.unwrap();
    assert_eq!(head.status(), 405);
    for n in 1..=5 {
        assert_eq!(app.get(&link).await.status(), 200, "download {n}");
    }
    let gone = app.get(&link).await;
    assert_eq!(gone.status(), 410);
    let page = gone.text().await.unwrap();
    assert!(page.contains("This sample link has run out"));
    assert!(page.contains("Send me a fresh link"));
}
both_backends!(a_link_gives_five_downloads_and_the_sixth_is_gone);

async fn an_expired_link_is_gone_and_a_fresh_one_goes_to_the_same_lead(app: &TestApp) {
    app.submit(&sample_form(), valid_fields()).await;
    let link = link_in(&app.outbox_mails("buyer_confirmation")[0].1);
    {
        let mut conn = app.pool().get().unwrap();
        diesel::update(sample_deliveries::table)
            .set(sample_deliveries::expires_at.eq(0))
            .execute(&mut conn)
            .unwrap();
    }
    assert_eq!(app.get(&link).await.status(), 410);
    let fresh = app
        .client
        .post(app.url(&format!("{link}/fresh")))
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
    let mails = app.outbox_mails("sample_link");
    assert_eq!(mails.len(), 1);
    assert!(mails[0].0.contains("jane.doe@acme-health.com"));
    assert_eq!(app.get(&link_in(&mails[0].1)).await.status(), 200);
    assert_eq!(lead_count(app), 1, "a fresh link is not a new lead");
    // Three links a day per lead: the first, this fresh one, one more.
    let fresh = app.url(&format!("{link}/fresh"));
    assert_eq!(app.client.post(&fresh).send().await.unwrap().status(), 200);
    assert_eq!(app.client.post(&fresh).send().await.unwrap().status(), 429);
    assert_eq!(app.outbox_mails("sample_link").len(), 2);
}
both_backends!(an_expired_link_is_gone_and_a_fresh_one_goes_to_the_same_lead);

async fn a_token_changed_by_one_byte_is_not_found(app: &TestApp) {
    app.submit(&sample_form(), valid_fields()).await;
    let link = link_in(&app.outbox_mails("buyer_confirmation")[0].1);
    let mut bytes = link.into_bytes();
    let at = bytes.len() - 5;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(bytes).unwrap();
    assert_eq!(app.get(&forged).await.status(), 404);
    assert_eq!(app.get("/samples/nonsense").await.status(), 404);
}
both_backends!(a_token_changed_by_one_byte_is_not_found);

async fn the_first_download_alone_mails_the_owner(app: &TestApp) {
    app.create_user("sam@publisher.test", "Sam Sales", "sales");
    app.submit(&sample_form(), valid_fields()).await;
    let link = link_in(&app.outbox_mails("buyer_confirmation")[0].1);
    for _ in 0..3 {
        assert_eq!(app.get(&link).await.status(), 200);
    }
    let opened = app.outbox_mails("sample_opened");
    assert_eq!(opened.len(), 1, "one mail to the owner");
    assert!(opened[0].0.contains("sam@publisher.test"));
    assert!(
        opened[0]
            .1
            .contains("Jane Doe at Acme Health opened the sample of")
    );
    assert_eq!(app.event_details("sample_downloaded").len(), 3);
}
both_backends!(the_first_download_alone_mails_the_owner);

async fn a_new_sample_version_leaves_old_links_serving_the_old_bytes(app: &TestApp) {
    app.submit(&sample_form(), valid_fields()).await;
    let old_link = link_in(&app.outbox_mails("buyer_confirmation")[0].1);
    let old_bytes = app.get(&old_link).await.bytes().await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("samples")).unwrap();
    let new_pdf = b"%PDF-1.4\n% a new sample version\n%%EOF\n".to_vec();
    std::fs::write(dir.path().join("samples/new.pdf"), &new_pdf).unwrap();
    let report = format!(
        "sample = \"samples/new.pdf\"\n{}",
        reportdesk::content::BUNDLED_REPORT
    );
    std::fs::write(dir.path().join("report.toml"), report).unwrap();
    let imported = app.run_cli(&["report", "import", "report.toml"], dir.path());
    assert!(imported.status.success(), "{imported:?}");

    let fields = with_field(valid_fields(), "email", "ann@acme-health.com");
    app.submit(&sample_form(), fields).await;
    let new_link = link_in(&app.outbox_mails("buyer_confirmation")[1].1);
    let fresh = app.get(&new_link).await.bytes().await.unwrap();
    assert_eq!(fresh.to_vec(), new_pdf);
    let again = app.get(&old_link).await.bytes().await.unwrap();
    assert_eq!(again, old_bytes, "the old link keeps its version");
}
both_backends!(a_new_sample_version_leaves_old_links_serving_the_old_bytes);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_import_refuses_a_sample_that_is_not_a_pdf() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a pdf").unwrap();
    let report = format!(
        "sample = \"notes.txt\"\n{}",
        reportdesk::content::BUNDLED_REPORT
    );
    std::fs::write(dir.path().join("report.toml"), report).unwrap();
    let refused = app.run_cli(&["report", "import", "report.toml"], dir.path());
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("is not a PDF (it does not start with %PDF-)")
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_generated_sample_passes_qpdf_and_names_the_title_and_every_chapter() {
    if !crate::helpers::tools::pdf_tools() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let slug = "global-medical-second-opinion-market";
    let written = app.run_cli(&["report", "sample", slug, "--out", "s.pdf"], dir.path());
    assert!(written.status.success(), "{written:?}");
    let check = std::process::Command::new("qpdf")
        .args(["--check", "s.pdf"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let fonts = std::process::Command::new("pdffonts")
        .arg("s.pdf")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes ")),
        "every font embedded: {fonts}"
    );
    let text = std::process::Command::new("pdftotext")
        .args(["-layout", "s.pdf", "-"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    let doc =
        reportdesk::domain::report::ReportDocument::parse_toml(reportdesk::content::BUNDLED_REPORT)
            .unwrap();
    assert!(text.contains("Global Medical Second Opinion"), "{text}");
    let chapters = &doc.sections.table_of_contents;
    assert_eq!(chapters.len(), 9);
    for chapter in chapters {
        assert!(
            text.contains(&chapter.title),
            "{} is in the sample",
            chapter.title
        );
    }
    // The file a buyer receives is this one.
    let served = std::fs::read(dir.path().join("s.pdf")).unwrap();
    assert_eq!(stored_sample_bytes(&app), [served]);
    app.stop().await;
}

async fn an_erased_buyers_link_is_gone_for_good(app: &TestApp) {
    app.submit(&sample_form(), valid_fields()).await;
    let link = link_in(&app.outbox_mails("buyer_confirmation")[0].1);
    // Opened once already: a link that worked is closed by the erasure too.
    assert_eq!(app.get(&link).await.status(), 200);
    let contact_id = app.contacts()[0].id;
    let ada = app.admin().await;
    let contact = format!("/admin/contacts/{contact_id}");
    let erased = ada
        .post(
            &contact,
            &format!("{contact}/erase"),
            &[("confirm", "erase")],
        )
        .await;
    assert_eq!(erased.status(), 303);
    let gone = app.get(&link).await;
    assert_eq!(gone.status(), 410);
    let page = gone.text().await.unwrap();
    assert!(page.contains("This link no longer works"));
    assert!(!page.contains("Send me a fresh link"));
}
both_backends!(an_erased_buyers_link_is_gone_for_good);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sample_link_made_on_one_instance_downloads_from_another() {
    let Some(db) = crate::helpers::TestDatabase::create(Backend::Postgres).await else {
        return;
    };
    reportdesk::app::prepare_database(&db.url).await.unwrap();
    let secret = crate::helpers::random_hex(64);
    let smtp = crate::smtp::SmtpServer::start();
    let a = crate::process::RunningApp::start(&db, &secret, &smtp.url());
    let b = crate::process::RunningApp::start(&db, &secret, &smtp.url());
    a.wait_until_healthy().await;
    b.wait_until_healthy().await;
    assert_eq!(a.submit_form("sample-request", valid_fields()).await, 303);
    let text: String = {
        use reportdesk::db::schema::outbox;
        let mut conn = db.pool().get().unwrap();
        outbox::table
            .filter(outbox::kind.eq("buyer_confirmation"))
            .select(outbox::body_text)
            .first(&mut conn)
            .unwrap()
    };
    let link = link_in(&text);
    let from_b = crate::helpers::client_builder()
        .build()
        .unwrap()
        .get(format!("{}{link}", b.address))
        .send()
        .await
        .unwrap();
    assert_eq!(from_b.status(), 200);
    let bytes = from_b.bytes().await.unwrap();
    let stored: Vec<u8> = {
        let mut conn = db.pool().get().unwrap();
        report_samples::table
            .select(report_samples::bytes)
            .first(&mut conn)
            .unwrap()
    };
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(bytes.to_vec(), stored);
}

async fn the_list_shows_and_filters_by_where_the_sample_stands(app: &TestApp) {
    let waiting = with_field(valid_fields(), "email", "wait@gmail.com");
    let waiting = with_field(waiting, "company", "Waiting Co");
    app.submit(&sample_form(), waiting).await;
    app.submit(&sample_form(), valid_fields()).await;
    let link = link_in(&app.outbox_mails("buyer_confirmation")[1].1);
    assert_eq!(app.get(&link).await.status(), 200);
    let ada = app.admin().await;
    let companies = |page: &str| crate::helpers::html::texts(page, "tbody td[data-label=Company]");
    let awaiting = ada.page("/admin/leads?sample=awaiting").await;
    assert_eq!(companies(&awaiting), ["Waiting Co"]);
    let downloaded = ada.page("/admin/leads?sample=downloaded").await;
    assert_eq!(companies(&downloaded), ["Acme Health"]);
    assert!(companies(&ada.page("/admin/leads?sample=sent").await).is_empty());
    let all = ada.page("/admin/leads").await;
    let stages = crate::helpers::html::texts(&all, "tbody td:last-child");
    assert_eq!(stages.len(), 2);
    assert!(stages[0].ends_with("· downloaded"), "{stages:?}");
    assert!(stages[1].ends_with("· awaiting review"), "{stages:?}");
}
both_backends!(the_list_shows_and_filters_by_where_the_sample_stands);

async fn a_sample_that_cannot_be_made_never_costs_the_lead(app: &TestApp) {
    {
        use reportdesk::db::schema::reports;
        let mut conn = app.pool().get().unwrap();
        diesel::update(reports::table)
            .set(reports::content.eq("{ not json"))
            .execute(&mut conn)
            .unwrap();
    }
    let response = app.submit(&sample_form(), valid_fields()).await;
    assert_eq!(response.status(), 303);
    assert_eq!(lead_count(app), 1);
    let (_, text) = &app.outbox_mails("buyer_confirmation")[0];
    assert!(text.contains("We check each sample request"), "{text}");
    assert_eq!(app.outbox_mails("sales_notification").len(), 1);
}
both_backends!(a_sample_that_cannot_be_made_never_costs_the_lead);
