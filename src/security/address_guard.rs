//! The SSRF guard for webhook endpoints: an admin's URL must not make the
//! server reach into its own network (loopback, private ranges, link-local,
//! the cloud metadata address). Checked when the endpoint is saved and again
//! on every send, through the client's own resolver, so a name that starts
//! resolving to 10.0.0.5 later is refused at the connection it would make.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Whether an address is one the server must not post to.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => internal_v4(v4),
            None => internal_v6(v6),
        },
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16, the metadata address among them
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || a >= 240 // reserved
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local (fc00::/7)
        || (first & 0xffc0) == 0xfe80 // link-local (fe80::/10)
        || (first & 0xffc0) == 0xfec0 // site-local, deprecated (fec0::/10)
        || ip.to_ipv4().is_some_and(|v4| ip.segments()[..6] == [0; 6] && internal_v4(v4))
        || first == 0x64 && ip.segments()[1] == 0xff9b // NAT64 of any IPv4
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refusal {
    #[error("{host} cannot be resolved")]
    Unresolved { host: String },
    #[error(
        "{host} resolves to {ip}, an internal address (set REPORTDESK_WEBHOOK_ALLOW_PRIVATE=1 for an in-house receiver)"
    )]
    Internal { host: String, ip: IpAddr },
}

/// Resolves `host` (a name or an address literal) and answers its addresses,
/// or why the server may not post there.
pub async fn resolve_allowed(
    host: &str,
    port: u16,
    allow_internal: bool,
) -> Result<Vec<SocketAddr>, Refusal> {
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = match literal.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map(|found| found.collect())
            .unwrap_or_default(),
    };
    if addrs.is_empty() {
        return Err(Refusal::Unresolved {
            host: host.to_owned(),
        });
    }
    if !allow_internal {
        if let Some(internal) = addrs.iter().find(|a| is_internal(a.ip())) {
            return Err(Refusal::Internal {
                host: host.to_owned(),
                ip: internal.ip(),
            });
        }
    }
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn internal(text: &str) -> bool {
        is_internal(text.parse().unwrap())
    }

    #[test]
    fn loopback_private_link_local_and_metadata_addresses_are_internal() {
        for address in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
        ] {
            assert!(internal(address), "{address} should be internal");
        }
    }

    #[test]
    fn public_addresses_are_not_internal() {
        for address in [
            "93.184.215.14",
            "8.8.8.8",
            "2606:4700::6810:84e5",
            "100.128.0.1",
        ] {
            assert!(!internal(address), "{address} should be public");
        }
    }

    #[tokio::test]
    async fn a_loopback_literal_is_refused_unless_internal_addresses_are_allowed() {
        let refused = resolve_allowed("127.0.0.1", 80, false).await.unwrap_err();
        assert!(
            refused.to_string().contains("internal address"),
            "{refused}"
        );
        assert_eq!(
            resolve_allowed("[::1]", 80, true).await.unwrap(),
            vec!["[::1]:80".parse().unwrap()]
        );
    }

    #[tokio::test]
    async fn localhost_by_name_is_refused_too() {
        assert!(matches!(
            resolve_allowed("localhost", 443, false).await,
            Err(Refusal::Internal { .. })
        ));
    }
}
