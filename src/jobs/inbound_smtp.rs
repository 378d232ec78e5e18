//! The inbound SMTP listener (`REPORTDESK_INBOUND_SMTP_BIND`, off by
//! default): takes mail only for our `reply+…@` and `bounce+…@` addresses
//! with a valid tag (550 for anything else: never a relay), at most 10 MB a
//! message and a few messages a minute per client, and files each as the
//! HTTP endpoint does. Meant to sit behind the MX's Postfix (README).
//!
//! mailin-embedded runs each connection on its own thread; the handler
//! writes through the (blocking) database pool there.

use std::net::{IpAddr, TcpListener};
use std::sync::Arc;

use anyhow::Context;
use mailin_embedded::{Handler, Response, Server, response};

use super::wakeups::Wakeups;
use crate::db::{Pool, now_unix};
use crate::mail::compose::MailSetup;
use crate::mail::inbound::{MAX_BYTES, parse};
use crate::security::rate_limit::RateLimiter;
use crate::security::reply_address::ReplyAddresses;
use crate::workflow::receive_mail::receive_mail;

/// Messages one client address may hand in per minute.
const MESSAGES_PER_MINUTE: u32 = 30;
/// Connections served at once.
const THREADS: u32 = 8;

#[derive(Clone)]
struct Session {
    pool: Pool,
    setup: MailSetup,
    own: ReplyAddresses,
    limiter: Arc<RateLimiter>,
    wakeups: Wakeups,
    data: Vec<u8>,
    too_large: bool,
}

impl Handler for Session {
    fn mail(&mut self, ip: IpAddr, _domain: &str, _from: &str) -> Response {
        self.data.clear();
        self.too_large = false;
        match self.limiter.check(ip, now_unix()) {
            Ok(()) => response::OK,
            Err(_) => Response::custom(
                450,
                "Too many messages from your address; try again later".into(),
            ),
        }
    }

    fn rcpt(&mut self, to: &str) -> Response {
        if self.own.read(to).is_some() {
            response::OK
        } else {
            response::NO_MAILBOX
        }
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if self.data.len() + buf.len() > MAX_BYTES {
            // Keep reading to the end of DATA, keep nothing, refuse then.
            self.too_large = true;
            self.data.clear();
        } else if !self.too_large {
            self.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let raw = std::mem::take(&mut self.data);
        if std::mem::take(&mut self.too_large) {
            return Response::custom(552, "Message larger than 10 MB".into());
        }
        let mail = match parse(&raw) {
            Ok(mail) => mail,
            Err(problem) => return Response::custom(554, format!("Not accepted: {problem}")),
        };
        let stored = self
            .pool
            .get()
            .context("no database connection")
            .and_then(|mut conn| {
                receive_mail(
                    &mut conn,
                    &mail,
                    raw.len(),
                    "smtp",
                    &self.setup,
                    &self.own,
                    now_unix(),
                )
            });
        match stored {
            Ok(outcome) => {
                tracing::info!(?outcome, "inbound mail received over SMTP");
                self.wakeups.work_queued();
                response::OK
            }
            Err(error) => {
                tracing::error!(error = %error, "inbound mail could not be stored");
                response::INTERNAL_ERROR
            }
        }
    }
}

/// Binds now (a taken port stops the start) and serves on threads of its own.
pub fn start(
    bind: std::net::SocketAddr,
    pool: Pool,
    setup: MailSetup,
    own: ReplyAddresses,
    wakeups: Wakeups,
) -> anyhow::Result<std::net::SocketAddr> {
    let listener =
        TcpListener::bind(bind).with_context(|| format!("cannot listen for SMTP on {bind}"))?;
    let address = listener.local_addr()?;
    let session = Session {
        pool,
        setup,
        own,
        limiter: Arc::new(RateLimiter::new(MESSAGES_PER_MINUTE)),
        wakeups,
        data: Vec::new(),
        too_large: false,
    };
    let mut server = Server::new(session);
    server
        .with_name("reportdesk")
        .with_num_threads(THREADS)
        .with_tcp_listener(listener);
    std::thread::Builder::new()
        .name("inbound-smtp".into())
        .spawn(move || {
            if let Err(error) = server.serve() {
                tracing::error!(error = %error, "the inbound SMTP listener stopped");
            }
        })?;
    tracing::info!(%address, "inbound SMTP listening");
    Ok(address)
}
