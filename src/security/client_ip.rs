//! The client's address: the TCP peer, unless that peer is a trusted proxy, in
//! which case the nearest untrusted address in `X-Forwarded-For`. A header from
//! anyone else is ignored, so a client cannot pick its own rate-limit bucket.

use std::net::IpAddr;

pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let Some(header) = forwarded_for else {
        return Some(peer);
    };
    // Walk from the right: each hop appends the address it received from.
    let mut nearest = peer;
    for hop in header.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => nearest = ip,
            Ok(ip) => return Some(ip),
            Err(_) => return Some(nearest),
        }
    }
    Some(nearest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let got = client_ip(Some(ip("198.51.100.7")), Some("1.2.3.4"), &[ip("10.0.0.1")]);
        assert_eq!(got, Some(ip("198.51.100.7")));
    }

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_client_counts() {
        let proxy = ip("10.0.0.1");
        let got = client_ip(Some(proxy), Some("6.6.6.6, 198.51.100.7"), &[proxy]);
        assert_eq!(
            got,
            Some(ip("198.51.100.7")),
            "the left part is the client's own claim"
        );
    }

    #[test]
    fn garbage_in_the_header_falls_back_to_the_last_trusted_hop() {
        let proxy = ip("10.0.0.1");
        assert_eq!(
            client_ip(Some(proxy), Some("not-an-ip"), &[proxy]),
            Some(proxy)
        );
    }
}
