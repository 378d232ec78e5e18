//! Two instances on one PostgreSQL database, as behind a load balancer: one
//! is killed mid-run and restarted; no lead is lost or doubled and every
//! notification arrives once; a staff session works on both.

use std::collections::HashSet;
use std::time::Duration;

use diesel::prelude::*;
use reportdesk::db::Backend;
use reportdesk::db::models::user::NewUser;
use reportdesk::db::schema::{contacts, outbox};
use reportdesk::security::password::hash_password_blocking;

use crate::helpers::{
    REPORT_PATH, TestDatabase, form_token_in, random_hex, valid_fields, with_field,
};
use crate::process::RunningApp;
use crate::smtp::{SmtpServer, free_port};
use crate::staff::{PASSWORD, csrf_in, new_browser};

const LEADS: usize = 500;

/// One submission through `instance`: open the form, send it. `None` when the
/// instance is down (the caller, like a load balancer, tries the other).
async fn submit(
    client: &reqwest::Client,
    instance: &str,
    i: usize,
    token: Option<String>,
) -> Result<(), Option<String>> {
    let form = format!("{instance}{REPORT_PATH}/inquiry");
    let token = match token {
        Some(token) => token,
        None => {
            let page = client
                .get(&form)
                .send()
                .await
                .map_err(|_| None)?
                .text()
                .await
                .map_err(|_| None)?;
            form_token_in(&page)
        }
    };
    let fields = with_field(
        with_field(
            with_field(valid_fields(), "email", &format!("buyer{i}@scale.test")),
            "company",
            &format!("Scale Co {i:03}"),
        ),
        "form_token",
        &token,
    );
    let response = client
        .post(&form)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(&fields).unwrap())
        .send()
        .await;
    match response {
        Ok(r) if r.status() == 303 => Ok(()),
        // Sent with a token: a retry elsewhere must reuse it, so a request that
        // was stored before the instance died is not stored twice.
        _ => Err(Some(token)),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_share_the_work_survive_a_kill_and_lose_or_double_nothing() {
    let Some(db) = TestDatabase::create(Backend::Postgres).await else {
        return;
    };
    reportdesk::app::prepare_database(&db.url).await.unwrap();
    {
        let mut conn = db.pool().get().unwrap();
        let hash = hash_password_blocking(PASSWORD).unwrap();
        NewUser {
            email: "ada@publisher.test",
            name: "Ada Admin",
            role: reportdesk::domain::role::Role::Admin,
            password_hash: &hash,
        }
        .insert(&mut conn, reportdesk::db::now_unix())
        .unwrap();
    }
    let smtp = SmtpServer::start();
    let secret = random_hex(64);
    let port_b = free_port();
    let a = RunningApp::start(&db, &secret, &smtp.url());
    let mut b = Some(RunningApp::start_on_port(&db, &secret, &smtp.url(), port_b));
    a.wait_until_healthy().await;
    b.as_ref().unwrap().wait_until_healthy().await;
    let address_b = b.as_ref().unwrap().address.clone();

    // A staff session made on one instance works on the other.
    let staff = new_browser();
    let login = staff
        .get(format!("{}/admin/login", a.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let response = staff
        .post(format!("{}/admin/login", a.address))
        .form(&[
            ("csrf_token", csrf_in(&login).as_str()),
            ("email", "ada@publisher.test"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        staff
            .get(format!("{address_b}/admin/leads"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let client = new_browser();
    let mut i = 0;
    while i < LEADS {
        if i == 200 {
            // Killed without warning, with mails possibly claimed.
            b.take().unwrap().kill();
        }
        if i == 320 {
            let restarted = RunningApp::start_on_port(&db, &secret, &smtp.url(), port_b);
            restarted.wait_until_healthy().await;
            b = Some(restarted);
        }
        let batch: Vec<usize> = (i..(i + 10).min(LEADS)).collect();
        let attempts = batch.iter().map(|&n| {
            let first = if n % 2 == 0 {
                a.address.clone()
            } else {
                address_b.clone()
            };
            let client = &client;
            let fallback = a.address.clone();
            async move {
                match submit(client, &first, n, None).await {
                    Ok(()) => (),
                    Err(token) => submit(client, &fallback, n, token)
                        .await
                        .expect("the other instance takes it"),
                }
            }
        });
        futures_util::future::join_all(attempts).await;
        i += batch.len();
    }

    let pool = db.pool();
    let companies: Vec<String> = {
        let mut conn = pool.get().unwrap();
        contacts::table
            .select(contacts::company)
            .load(&mut conn)
            .unwrap()
    };
    let unique: HashSet<&String> = companies.iter().collect();
    assert_eq!(companies.len(), LEADS, "one contact per buyer");
    assert_eq!(unique.len(), LEADS);
    let leads: i64 = {
        let mut conn = pool.get().unwrap();
        reportdesk::db::schema::leads::table
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    assert_eq!(leads, LEADS as i64, "every lead stored once");

    // Every notification arrives; a duplicate after the kill has the same
    // Message-ID and counts once.
    let expected: HashSet<String> = {
        let mut conn = pool.get().unwrap();
        outbox::table
            .select(outbox::message_id)
            .load::<String>(&mut conn)
            .unwrap()
            .into_iter()
            .collect()
    };
    assert_eq!(expected.len(), 2 * LEADS);
    let mut received = HashSet::new();
    for _ in 0..300 {
        received = smtp
            .received()
            .iter()
            .filter_map(|m| m.header("Message-ID"))
            .collect::<HashSet<_>>();
        if received.len() >= expected.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(received, expected, "every stored mail was delivered");
    let deliveries = smtp.received().len();
    eprintln!(
        "scale-out: {LEADS} leads, {} distinct mails, {deliveries} deliveries",
        received.len()
    );
    drop(a);
    drop(b);
}
