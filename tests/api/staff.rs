//! Staff accounts and logged-in clients for the sales-desk tests.

use reportdesk::db::models::contact::Contact;
use reportdesk::db::models::lead::NewLead;
use reportdesk::db::models::lead_event;
use reportdesk::db::models::user::NewUser;
use reportdesk::db::now_unix;
use reportdesk::domain::attribution::Attribution;
use reportdesk::domain::lead_event::LeadEvent;
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_request::{LeadFormInput, LeadRequest};
use reportdesk::domain::lead_status::LeadStatus;
use reportdesk::domain::scoring::score;
use reportdesk::security::password::hash_password_blocking;
use reportdesk::workflow::assign_owner::assign_new_lead;

use crate::helpers::TestApp;

pub const PASSWORD: &str = "tangerine-orbit-42";

/// The CSRF token in a rendered admin page.
pub fn csrf_in(page: &str) -> String {
    let needle = "name=\"csrf_token\" value=\"";
    let start = page.find(needle).expect("page has a CSRF token") + needle.len();
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

/// A browser of one staff member: its own cookie jar.
pub struct StaffClient<'a> {
    pub app: &'a TestApp,
    pub client: reqwest::Client,
}

pub fn new_browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl StaffClient<'_> {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.app.url(path)).send().await.unwrap()
    }

    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.unwrap()
    }

    /// Posts a form with the CSRF token of the page at `from`.
    pub async fn post(
        &self,
        from: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let csrf = csrf_in(&self.page(from).await);
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", &csrf)];
        all.extend_from_slice(fields);
        self.post_raw(action, &all).await
    }

    pub async fn post_raw(&self, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.app.url(action))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).unwrap())
            .send()
            .await
            .unwrap()
    }
}

impl TestApp {
    pub fn create_user(&self, email: &str, name: &str, role: &str) -> i64 {
        let hash = hash_password_blocking(PASSWORD).unwrap();
        let mut conn = self.pool().get().unwrap();
        let role = reportdesk::domain::role::Role::from_db(role).expect("admin or sales");
        NewUser {
            email,
            name,
            role,
            password_hash: &hash,
        }
        .insert(&mut conn, now_unix())
        .unwrap()
    }

    /// Attempts a login in `client`; returns the response to the POST.
    pub async fn try_login(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let page = client
            .get(self.url("/admin/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_in(&page);
        client
            .post(self.url("/admin/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                serde_urlencoded::to_string([
                    ("csrf_token", csrf.as_str()),
                    ("email", email),
                    ("password", password),
                ])
                .unwrap(),
            )
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, email: &str) -> StaffClient<'_> {
        let client = new_browser();
        let response = self.try_login(&client, email, PASSWORD).await;
        assert_eq!(response.status(), 303, "login of {email}");
        StaffClient { app: self, client }
    }

    /// An admin, created and logged in.
    pub async fn admin(&self) -> StaffClient<'_> {
        self.create_user("ada@publisher.test", "Ada Admin", "admin");
        self.login("ada@publisher.test").await
    }

    /// Stores a lead directly (fast), as a submission would. Returns its id.
    pub fn seed_lead(
        &self,
        kind: LeadKind,
        email: &str,
        company: &str,
        status: LeadStatus,
        created_at: i64,
    ) -> i64 {
        let input = LeadFormInput {
            name: format!("Buyer {company}"),
            email: email.into(),
            company: company.into(),
            country: "DE".into(),
            message: "Please send the oncology chapter.".into(),
            consent: "yes".into(),
            licence: "single".into(),
            ..Default::default()
        };
        let request = LeadRequest::parse(kind, &input).unwrap();
        let lead_score = score(&request);
        let token_hash = crate::helpers::random_hex(32);
        let mut conn = self.pool().get().unwrap();
        let report_id: i64 = {
            use diesel::prelude::*;
            reportdesk::db::schema::reports::table
                .select(reportdesk::db::schema::reports::id)
                .first(&mut conn)
                .unwrap()
        };
        // As a submission stores it (contact, lead, event, owner), with any
        // status and no mail.
        let spam = status == LeadStatus::Spam;
        let contact_id = Contact::upsert(&mut conn, &request, !spam, created_at).unwrap();
        let spam_reason = spam.then_some("honeypot field was filled");
        let lead_id = NewLead {
            request: &request,
            contact_id,
            report_id,
            status,
            spam_reason,
            score: lead_score.value,
            attribution: &Attribution::default(),
            form_token_hash: &token_hash,
            consent_text_version: "test",
            now: created_at,
        }
        .insert(&mut conn)
        .unwrap();
        let created = LeadEvent::Created {
            score: lead_score.value,
            reasons: lead_score.reasons.clone(),
            spam_reason: spam_reason.map(str::to_owned),
        };
        lead_event::record(&mut conn, lead_id, None, &created, created_at).unwrap();
        if !spam {
            assign_new_lead(&mut conn, lead_id, "DE", created_at).unwrap();
        }
        lead_id
    }
}
