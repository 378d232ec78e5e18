//! `reportdesk mail doctor`: the SPF, DKIM and DMARC records the From domain
//! needs for mail to pass DMARC at Gmail, Yahoo and Outlook, and whether DNS
//! has them. It reads DNS only; it changes nothing.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::Resolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;

use super::dkim_keys::{DkimKey, from_domain};
use crate::settings::Settings;

/// What DNS says about one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Published as needed (the record found).
    Published(String),
    Missing,
    /// Published, but not as needed (why).
    Wrong(String),
    /// DNS gave no answer (the error): nothing is known.
    Unanswered(String),
    /// Nothing to check yet (why not).
    NotApplicable(String),
}

/// One record the domain needs.
pub struct Check {
    pub record: &'static str,
    /// The DNS name it lives at.
    pub name: String,
    /// What to publish there.
    pub needed: String,
    pub finding: Finding,
}

impl Check {
    fn is_fine(&self) -> bool {
        matches!(
            self.finding,
            Finding::Published(_) | Finding::NotApplicable(_)
        )
    }
}

type TokioResolver = Resolver<TokioRuntimeProvider>;

/// The system's resolver (`/etc/resolv.conf`), or the server `dns` names.
fn resolver(dns: Option<SocketAddr>) -> anyhow::Result<TokioResolver> {
    let mut builder = match dns {
        Some(server) => {
            let connection = |mut c: ConnectionConfig| {
                c.port = server.port();
                c
            };
            let name_server = NameServerConfig::new(
                server.ip(),
                true,
                vec![
                    connection(ConnectionConfig::udp()),
                    connection(ConnectionConfig::tcp()),
                ],
            );
            Resolver::builder_with_config(
                ResolverConfig::from_parts(None, vec![], vec![name_server]),
                TokioRuntimeProvider::default(),
            )
        }
        None => Resolver::builder(TokioRuntimeProvider::default())
            .map_err(|e| anyhow::anyhow!("cannot read the system's DNS set-up: {e}"))?,
    };
    let options = builder.options_mut();
    options.timeout = Duration::from_secs(3);
    options.attempts = 1;
    builder
        .build()
        .map_err(|e| anyhow::anyhow!("cannot set up DNS: {e}"))
}

/// The TXT records at `name`, each as one string; none when the name or the
/// record does not exist; `Err` when DNS did not answer.
async fn txt(resolver: &TokioResolver, name: &str) -> Result<Vec<String>, String> {
    match resolver.txt_lookup(format!("{name}.")).await {
        Ok(lookup) => Ok(lookup
            .answers()
            .iter()
            .filter_map(|record| match &record.data {
                RData::TXT(txt) => Some(
                    txt.txt_data
                        .iter()
                        .map(|part| String::from_utf8_lossy(part).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect()),
        Err(error) if error.is_no_records_found() || error.is_nx_domain() => Ok(Vec::new()),
        Err(error) => Err(error.to_string()),
    }
}

/// The value of tag `tag` in a `k=v; k=v` record, spaces removed.
fn tag(record: &str, tag: &str) -> Option<String> {
    record.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key.trim() == tag).then(|| value.split_whitespace().collect::<String>())
    })
}

/// The one record at `name` starting with `version` (two are an error for SPF
/// and DMARC alike).
fn one_versioned(found: Result<Vec<String>, String>, version: &str) -> Finding {
    let records = match found {
        Ok(records) => records,
        Err(error) => return Finding::Unanswered(error),
    };
    let mut matching: Vec<String> = records
        .into_iter()
        .filter(|r| {
            r.to_ascii_lowercase()
                .starts_with(&version.to_ascii_lowercase())
        })
        .collect();
    match matching.len() {
        0 => Finding::Missing,
        1 => Finding::Published(matching.remove(0)),
        n => Finding::Wrong(format!(
            "{n} records start with {version}; receivers treat that as none: keep one"
        )),
    }
}

/// The relay's host from `REPORTDESK_MAIL_URL`, for the suggested SPF record.
fn relay_host(mail_url: &str) -> Option<String> {
    let url = url::Url::parse(mail_url).ok()?;
    matches!(url.scheme(), "smtp" | "smtps")
        .then(|| url.host_str().map(str::to_owned))
        .flatten()
}

/// Checks the three records; answers the report and whether all are fine.
pub async fn doctor(
    settings: &Settings,
    dns: Option<SocketAddr>,
) -> anyhow::Result<(String, bool)> {
    let domain = from_domain(settings)?;
    let resolver = resolver(dns)?;
    let mut checks = Vec::new();

    let spf_needed = match relay_host(&settings.mail_url) {
        Some(host) => format!(
            "v=spf1 a:{host} ~all (or your mail provider's include:, e.g. include:_spf.google.com)"
        ),
        None => "v=spf1 <the hosts that send your mail> ~all".to_owned(),
    };
    checks.push(Check {
        record: "SPF",
        name: domain.clone(),
        needed: spf_needed,
        finding: one_versioned(txt(&resolver, &domain).await, "v=spf1"),
    });

    let dkim = match (&settings.dkim_selector, &settings.dkim_private_key_file) {
        (Some(selector), Some(path)) => {
            let pem = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read REPORTDESK_DKIM_PRIVATE_KEY_FILE {path}: {e}"))?;
            let key = DkimKey::from_pem(&pem)?;
            let name = format!("{selector}._domainkey.{domain}");
            let finding = match txt(&resolver, &name).await {
                Err(error) => Finding::Unanswered(error),
                Ok(records) => match records.iter().find(|r| tag(r, "p").is_some()) {
                    None => Finding::Missing,
                    Some(found) if tag(found, "p") == Some(key.public.clone()) => {
                        Finding::Published(found.clone())
                    }
                    Some(_) => Finding::Wrong(
                        "its p= is not the public half of REPORTDESK_DKIM_PRIVATE_KEY_FILE: signatures will fail"
                            .to_owned(),
                    ),
                },
            };
            Check {
                record: "DKIM",
                name,
                needed: key.txt_value(),
                finding,
            }
        }
        _ => Check {
            record: "DKIM",
            name: format!("<selector>._domainkey.{domain}"),
            needed: "made by: reportdesk mail dkim-keygen --selector <selector>".to_owned(),
            finding: Finding::NotApplicable(
                "mail is not signed: REPORTDESK_DKIM_SELECTOR and REPORTDESK_DKIM_PRIVATE_KEY_FILE are not set".to_owned(),
            ),
        },
    };
    checks.push(dkim);

    let dmarc_name = format!("_dmarc.{domain}");
    checks.push(Check {
        record: "DMARC",
        needed: format!(
            "v=DMARC1; p=none; rua=mailto:dmarc-reports@{domain} (p=quarantine once the reports show all mail passing)"
        ),
        finding: one_versioned(txt(&resolver, &dmarc_name).await, "v=DMARC1"),
        name: dmarc_name,
    });

    let all_fine = checks.iter().all(Check::is_fine);
    Ok((report(&domain, &checks), all_fine))
}

fn report(domain: &str, checks: &[Check]) -> String {
    let mut text =
        format!("Mail authentication for {domain} (the domain of REPORTDESK_MAIL_FROM)\n");
    for check in checks {
        let verdict = match &check.finding {
            Finding::Published(record) => format!("ok: published: {record}"),
            Finding::Missing => "MISSING: publish the record above".to_owned(),
            Finding::Wrong(why) => format!("WRONG: {why}"),
            Finding::Unanswered(error) => format!("UNKNOWN: DNS did not answer ({error})"),
            Finding::NotApplicable(why) => format!("not checked: {why}"),
        };
        text.push_str(&format!(
            "\n{}  TXT at {}\n  needs: {}\n  {verdict}\n",
            check.record, check.name, check.needed
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_with_spaces_removed() {
        let record = "v=DKIM1; k=rsa; p=MIIB AAAA\tBBBB";
        assert_eq!(tag(record, "p").as_deref(), Some("MIIBAAAABBBB"));
        assert_eq!(tag(record, "k").as_deref(), Some("rsa"));
        assert_eq!(tag(record, "t"), None);
    }

    #[test]
    fn two_spf_records_are_as_bad_as_none() {
        let two = Ok(vec![
            "v=spf1 a ~all".to_owned(),
            "v=spf1 mx ~all".to_owned(),
        ]);
        assert!(matches!(one_versioned(two, "v=spf1"), Finding::Wrong(_)));
        let other = Ok(vec!["google-site-verification=abc".to_owned()]);
        assert_eq!(one_versioned(other, "v=spf1"), Finding::Missing);
    }

    #[test]
    fn the_suggested_spf_names_the_relay() {
        assert_eq!(
            relay_host("smtp://u:p@relay.example.com:587?tls=required").as_deref(),
            Some("relay.example.com")
        );
        assert_eq!(relay_host("file:///var/mail"), None);
    }
}
