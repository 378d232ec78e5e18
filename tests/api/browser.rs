//! A real browser: Debian's Chromium driven through chromedriver (WebDriver).
//! Without chromedriver these tests say SKIPPED, unless
//! `REPORTDESK_TEST_REQUIRE_BROWSER=1` (set by `.ci/run`) makes that a failure.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn required() -> bool {
    std::env::var("REPORTDESK_TEST_REQUIRE_BROWSER").as_deref() == Ok("1")
}

pub fn screenshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots")
}

impl Browser {
    /// A headless Chromium with a fresh profile, `None` when there is none here.
    pub async fn start(width: u32, height: u32) -> Option<Self> {
        let Some(driver_path) = chromedriver() else {
            assert!(
                !required(),
                "REPORTDESK_TEST_REQUIRE_BROWSER=1 but chromedriver is not installed"
            );
            eprintln!(
                "SKIPPED: browser test (install Debian's chromium and chromium-driver to run it)"
            );
            return None;
        };
        let port = crate::smtp::free_port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={width},{height}"),
                ],
            }
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("a JSON object literal"),
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("connect to chromedriver");
        Some(Self {
            client,
            driver,
            _profile: profile,
        })
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    pub async fn css(&self, selector: &str) -> fantoccini::elements::Element {
        self.client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("{selector}: {e}"))
    }

    pub async fn fill(&self, selector: &str, text: &str) {
        let field = self.css(selector).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Clicks something that loads a new page, and waits until it has.
    pub async fn click_to_navigate(&self, element: fantoccini::elements::Element) {
        self.eval("window.__reportdeskOldPage = true; return null")
            .await;
        element.click().await.unwrap();
        self.wait_for_new_page().await;
    }

    /// Presses a key on the focused element that loads a new page, and waits.
    pub async fn key_to_navigate(&self, key: &str) {
        self.eval("window.__reportdeskOldPage = true; return null")
            .await;
        self.client
            .active_element()
            .await
            .unwrap()
            .send_keys(key)
            .await
            .unwrap();
        self.wait_for_new_page().await;
    }

    async fn wait_for_new_page(&self) {
        for _ in 0..200 {
            let state = self
                .client
                .execute("return window.__reportdeskOldPage === undefined && document.readyState === 'complete'", vec![])
                .await;
            if matches!(state, Ok(serde_json::Value::Bool(true))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the page did not change");
    }

    /// Waits until the browser shows `path` (after a key press sent a form).
    pub async fn wait_until_path(&self, path: &str) {
        for _ in 0..200 {
            if self.path().await == path {
                let ready = self.eval("return document.readyState === 'complete'").await;
                if ready == serde_json::Value::Bool(true) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the browser did not reach {path}");
    }

    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    /// Saves a PNG of the viewport as `target/screenshots/{name}.png`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        std::fs::create_dir_all(screenshot_dir()).unwrap();
        std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
    }

    /// Saves a PNG of the whole page (the window grown to the page's height).
    pub async fn full_page_screenshot(&self, name: &str, width: u32) {
        let height = self
            .eval("return document.documentElement.scrollHeight")
            .await
            .as_u64()
            .unwrap_or(900);
        self.client
            .set_window_size(width, u32::try_from(height.min(8000)).unwrap_or(900) + 100)
            .await
            .unwrap();
        self.screenshot(name).await;
    }

    /// axe-core violations of impact serious or critical on the current page.
    pub async fn serious_accessibility_violations(&self) -> Option<Vec<String>> {
        let path = std::env::var("REPORTDESK_TEST_AXE_JS")
            .map(PathBuf::from)
            .unwrap_or_else(|_| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("target/axe/node_modules/axe-core/axe.min.js")
            });
        let Ok(axe) = std::fs::read_to_string(&path) else {
            assert!(!required(), "axe-core is missing at {}", path.display());
            eprintln!("SKIPPED: accessibility check (npm install --prefix target/axe axe-core)");
            return None;
        };
        self.client.execute(&axe, vec![]).await.unwrap();
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] }).then(r => done(
                   r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(' | '))));",
                vec![],
            )
            .await
            .unwrap();
        Some(serde_json::from_value(result).unwrap())
    }

    /// Checks the page with axe and saves a screenshot of it.
    pub async fn check_page(&self, name: &str) {
        if let Some(violations) = self.serious_accessibility_violations().await {
            assert!(violations.is_empty(), "{name}: {violations:#?}");
        }
        self.screenshot(name).await;
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}
