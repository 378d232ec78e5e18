//! The HTTP client webhooks are posted with: a timeout on the whole exchange,
//! no redirects (a 3xx is an answer, not an invitation), no proxy from the
//! environment, and a resolver that refuses internal addresses, so the check
//! and the connection use the same resolution.

use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::security::address_guard::resolve_allowed;

struct GuardedResolver {
    allow_internal: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_internal = self.allow_internal;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // The port is the request's; the resolver's answer only needs
            // the addresses.
            let addrs = resolve_allowed(&host, 0, allow_internal).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// rustls with aws-lc-rs and the Mozilla roots: the stack lettre already uses.
fn tls_config() -> Result<rustls::ClientConfig, rustls::Error> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth())
}

/// Makes aws-lc-rs the process's TLS provider for clients built without a
/// configuration of their own (reqwest would otherwise want ring). Safe to
/// call more than once.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

pub fn build(timeout: Duration, allow_internal: bool) -> anyhow::Result<reqwest::Client> {
    let tls = tls_config()?;
    Ok(reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .dns_resolver(Arc::new(GuardedResolver { allow_internal }))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("reportdesk-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()?)
}
