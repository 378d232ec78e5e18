//! Staff accounts and logged-in clients for the sales-desk tests.

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
    crate::helpers::client_builder()
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
