//! The addresses reportdesk owns at the inbound domain: `reply+<lead>.<tag>@`
//! (a buyer's answer, Reply-To of every mail to a buyer) and
//! `bounce+<outbox id>.<tag>@` (the envelope sender of every mail: a
//! bounce names the very mail that failed). The tag is an HMAC of the id
//! with a key derived from the secret key, so nobody can make an address
//! that files mail on a lead of their choosing.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Hex digits of the tag: 80 bits, short enough for any local part.
const TAG_HEX: usize = 20;

/// What an address of ours stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnAddress {
    /// An answer about this lead.
    Reply { lead_id: i64 },
    /// A bounce of this outbox mail.
    Bounce { outbox_id: i64 },
}

#[derive(Clone)]
pub struct ReplyAddresses {
    key: Vec<u8>,
    /// Lower case, ASCII (punycode).
    pub domain: String,
}

impl std::fmt::Debug for ReplyAddresses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ReplyAddresses {{ domain: {:?}, key: *** }}",
            self.domain
        )
    }
}

impl ReplyAddresses {
    pub fn new(secret_key: &[u8], domain: &str) -> Self {
        // A key of its own: a reply tag never doubles as another token.
        Self {
            key: super::derived_key::derive(secret_key, "reportdesk inbound address v1").to_vec(),
            domain: domain.trim().to_ascii_lowercase(),
        }
    }

    fn tag(&self, prefix: &str, id: i64) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(format!("{prefix}:{id}").as_bytes());
        let mut tag = hex::encode(mac.finalize().into_bytes());
        tag.truncate(TAG_HEX);
        tag
    }

    fn address(&self, prefix: &str, id: i64) -> String {
        format!("{prefix}+{id}.{}@{}", self.tag(prefix, id), self.domain)
    }

    /// Where the buyer's answers about a lead go.
    pub fn reply_to(&self, lead_id: i64) -> String {
        self.address("reply", lead_id)
    }

    /// The envelope sender of an outbox mail.
    pub fn bounce_to(&self, outbox_id: i64) -> String {
        self.address("bounce", outbox_id)
    }

    /// Whether the address is at our domain with one of our prefixes (the
    /// SMTP listener takes nothing else); its tag is checked by `read`.
    pub fn is_ours(&self, address: &str) -> bool {
        self.split(address).is_some()
    }

    fn split<'a>(&self, address: &'a str) -> Option<(&'static str, &'a str)> {
        let address = address.trim().trim_start_matches('<').trim_end_matches('>');
        let (local, domain) = address.rsplit_once('@')?;
        if !domain.eq_ignore_ascii_case(&self.domain) {
            return None;
        }
        let (prefix, rest) = local.split_once('+')?;
        let prefix = ["reply", "bounce"]
            .into_iter()
            .find(|p| p.eq_ignore_ascii_case(prefix))?;
        Some((prefix, rest))
    }

    /// What a correctly tagged address of ours stands for; `None` for any
    /// other address, or a tag that does not match.
    pub fn read(&self, address: &str) -> Option<OwnAddress> {
        let (prefix, rest) = self.split(address)?;
        let (id, tag) = rest.split_once('.')?;
        let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
        let expected = self.tag(prefix, id);
        let given = tag.to_ascii_lowercase();
        if !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
            return None;
        }
        Some(match prefix {
            "reply" => OwnAddress::Reply { lead_id: id },
            _ => OwnAddress::Bounce { outbox_id: id },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addresses() -> ReplyAddresses {
        ReplyAddresses::new(&[7; 64], "In.Publisher.Test")
    }

    #[test]
    fn a_reply_and_a_bounce_address_read_back_as_what_they_name() {
        let ours = addresses();
        let reply = ours.reply_to(42);
        assert!(reply.starts_with("reply+42.") && reply.ends_with("@in.publisher.test"));
        assert_eq!(ours.read(&reply), Some(OwnAddress::Reply { lead_id: 42 }));
        let bounce = ours.bounce_to(7);
        assert_eq!(
            ours.read(&bounce),
            Some(OwnAddress::Bounce { outbox_id: 7 })
        );
        // Mail systems may change the case of a local part.
        assert_eq!(
            ours.read(&format!("<{}>", reply.to_uppercase())),
            Some(OwnAddress::Reply { lead_id: 42 })
        );
    }

    #[test]
    fn a_forged_or_foreign_address_reads_as_nothing() {
        let ours = addresses();
        let reply = ours.reply_to(42);
        let tag = reply.split('.').nth(1).unwrap().split('@').next().unwrap();
        assert_eq!(
            ours.read(&format!("reply+43.{tag}@in.publisher.test")),
            None
        );
        assert_eq!(
            ours.read(&format!("bounce+42.{tag}@in.publisher.test")),
            None
        );
        assert_eq!(
            ours.read(&reply.replace("in.publisher.test", "x.test")),
            None
        );
        assert_eq!(ours.read("reply+42@in.publisher.test"), None);
        assert_eq!(ours.read("sales@in.publisher.test"), None);
        assert!(ours.is_ours("reply+1.ffff@in.publisher.test"));
        assert!(!ours.is_ours("postmaster@in.publisher.test"));
        let other_key = ReplyAddresses::new(&[8; 64], "in.publisher.test");
        assert_eq!(other_key.read(&reply), None);
    }
}
