//! The real reportdesk binary as a child process, for tests that kill it.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::{REPORT_PATH, TestDatabase, form_token_in, post_urlencoded, with_field};
use crate::smtp::free_port;

/// The real binary, killed when dropped (also when the test fails).
pub struct RunningApp {
    child: Child,
    pub address: String,
}

impl RunningApp {
    pub fn start(db: &TestDatabase, secret: &str, mail_url: &str) -> Self {
        Self::start_on_port(db, secret, mail_url, free_port())
    }

    pub fn start_on_port(db: &TestDatabase, secret: &str, mail_url: &str, port: u16) -> Self {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(db.dir.path().join(format!("app-{port}.log")))
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_reportdesk"))
            .current_dir(db.dir.path())
            .env("REPORTDESK_BIND", format!("127.0.0.1:{port}"))
            .env("REPORTDESK_DATABASE_URL", &db.url)
            .env("REPORTDESK_SECRET_KEY", secret)
            .env("REPORTDESK_MAIL_URL", mail_url)
            .env("REPORTDESK_MAIL_LEASE_SECONDS", "2")
            .env("REPORTDESK_MAIL_RETRY_SECONDS", "1")
            .env("REPORTDESK_FORM_MIN_SECONDS", "0")
            .env("REPORTDESK_RATE_LIMIT_PER_MINUTE", "100000")
            .env("REPORTDESK_CONFIRMATIONS_PER_CLIENT_PER_HOUR", "100000")
            .env("REPORTDESK_LOG", "info")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start reportdesk");
        Self {
            child,
            address: format!("http://127.0.0.1:{port}"),
        }
    }

    pub async fn wait_until_healthy(&self) {
        for _ in 0..100 {
            if let Ok(response) = crate::helpers::client_builder()
                .build()
                .unwrap()
                .get(format!("{}/healthz", self.address))
                .send()
                .await
            {
                if response.status() == 200 {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("reportdesk did not start");
    }

    /// A buyer's inquiry with `fields` (the form's token added), on a
    /// connection that is closed afterwards; answers the status.
    pub async fn submit_inquiry(&self, fields: Vec<(&'static str, String)>) -> u16 {
        self.submit_form("inquiry", fields).await
    }

    /// The same through the form `kind` (`sample-request`, `inquiry`, `discount`).
    pub async fn submit_form(&self, kind: &str, fields: Vec<(&'static str, String)>) -> u16 {
        let client = crate::helpers::client_builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let form = format!("{}{REPORT_PATH}/{kind}", self.address);
        let page = client
            .get(&form)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let fields = with_field(fields, "form_token", &form_token_in(&page));
        post_urlencoded(&client, &form, &fields)
            .await
            .status()
            .as_u16()
    }

    /// Asks the process to stop (SIGTERM, as a service manager does) and
    /// waits up to `limit`; answers how long it took, or `None` if it did not.
    pub fn terminate(&mut self, limit: Duration) -> Option<Duration> {
        let started = std::time::Instant::now();
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: kill(2) with a child's pid and a signal number.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        while started.elapsed() < limit {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RunningApp {
    fn drop(&mut self) {
        self.kill();
    }
}
