//! A received mail read with `mailparse`: who sent it, what it threads
//! with, its text (HTML reduced to text, never kept as markup), its
//! attachments by name and size, and whether it is a person's reply, an
//! automatic one, or a bounce (RFC 3464 or the common older formats).

use mailparse::{DispositionType, MailHeaderMap, ParsedMail};

use crate::domain::inbound::{Attachment, InboundKind};

/// The most we take in, by SMTP or HTTP.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// The text kept of a reply; the rest is cut with a mark.
const MAX_TEXT_CHARS: usize = 50_000;
/// MIME nesting we follow: far beyond any real mail, short of a stack risk.
const MAX_DEPTH: usize = 20;

#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    pub sender: String,
    pub subject: String,
    pub message_id: Option<String>,
    /// `In-Reply-To` then `References`, as bracketed ids.
    pub thread: Vec<String>,
    /// Addresses it was delivered to (envelope headers, To, Cc).
    pub recipients: Vec<String>,
    pub text: String,
    pub attachments: Vec<Attachment>,
    pub kind: InboundKind,
    /// For a bounce: the Message-ID of our mail it quotes, and the status.
    pub bounced_message_id: Option<String>,
    pub bounce_status: Option<String>,
}

/// Why a mail was not taken.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Unreadable {
    #[error("the message is larger than 10 MB")]
    TooLarge,
    #[error("the message is empty")]
    Empty,
    #[error("the message cannot be parsed as RFC 5322: {0}")]
    Malformed(String),
}

pub fn parse(raw: &[u8]) -> Result<InboundMessage, Unreadable> {
    if raw.len() > MAX_BYTES {
        return Err(Unreadable::TooLarge);
    }
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(Unreadable::Empty);
    }
    let mail = mailparse::parse_mail(raw).map_err(|e| Unreadable::Malformed(e.to_string()))?;
    // RFC 5322 requires a From; without one, this is not a mail.
    if mail.headers.get_first_header("From").is_none() {
        return Err(Unreadable::Malformed("it has no From header".into()));
    }
    let header = |name: &str| mail.headers.get_first_value(name).unwrap_or_default();
    let mut thread = ids_in(&header("In-Reply-To"));
    thread.extend(ids_in(&header("References")));
    let mut recipients = Vec::new();
    for name in ["X-Original-To", "Delivered-To", "Envelope-To", "To", "Cc"] {
        for value in mail.headers.get_all_values(name) {
            recipients.extend(addresses_in(&value));
        }
    }
    let mut found = Found::default();
    walk(&mail, 0, &mut found);
    let (kind, bounced_message_id, bounce_status) = classify(&mail, &found);
    let text = match (found.plain, found.html) {
        (Some(plain), _) => plain,
        (None, Some(html)) => html_to_text(&html),
        (None, None) => String::new(),
    };
    Ok(InboundMessage {
        sender: addresses_in(&header("From"))
            .into_iter()
            .next()
            .unwrap_or_default(),
        subject: header("Subject").chars().take(300).collect(),
        message_id: ids_in(&header("Message-ID")).into_iter().next(),
        thread,
        recipients,
        text: cut(text.trim()),
        attachments: found.attachments,
        kind,
        bounced_message_id,
        bounce_status,
    })
}

#[derive(Default)]
struct Found {
    plain: Option<String>,
    html: Option<String>,
    attachments: Vec<Attachment>,
    /// The body of a `message/delivery-status` part.
    delivery_status: Option<String>,
    /// Headers of the original message a bounce returns.
    returned_headers: Option<String>,
}

fn walk(part: &ParsedMail<'_>, depth: usize, found: &mut Found) {
    if depth > MAX_DEPTH {
        return;
    }
    let mime = part.ctype.mimetype.to_ascii_lowercase();
    let disposition = part.get_content_disposition();
    let named = disposition
        .params
        .get("filename")
        .or_else(|| part.ctype.params.get("name"))
        .cloned();
    match mime.as_str() {
        "message/delivery-status" | "message/global-delivery-status" => {
            found.delivery_status = part.get_body().ok();
            return;
        }
        "message/rfc822" | "text/rfc822-headers" | "message/rfc822-headers"
            if found.delivery_status.is_some() || found.returned_headers.is_none() =>
        {
            found.returned_headers = part.get_body().ok();
            return;
        }
        _ => {}
    }
    if !part.subparts.is_empty() {
        for sub in &part.subparts {
            walk(sub, depth + 1, found);
        }
        return;
    }
    let attachment = disposition.disposition == DispositionType::Attachment || named.is_some();
    if attachment || !mime.starts_with("text/") {
        found.attachments.push(Attachment {
            name: named
                .unwrap_or_else(|| format!("unnamed {mime}"))
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect(),
            size: part.get_body_raw().map(|b| b.len()).unwrap_or(0),
        });
        return;
    }
    let body = part.get_body().unwrap_or_default();
    match mime.as_str() {
        "text/html" if found.html.is_none() => found.html = Some(body),
        "text/plain" if found.plain.is_none() => found.plain = Some(body),
        _ => {}
    }
}

/// Bounce first (a DSN is also marked auto-submitted), then auto-reply.
fn classify(mail: &ParsedMail<'_>, found: &Found) -> (InboundKind, Option<String>, Option<String>) {
    let header = |name: &str| {
        mail.headers
            .get_first_value(name)
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    let returned_id = found.returned_headers.as_deref().and_then(|headers| {
        headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
            .and_then(|l| ids_in(l).into_iter().next())
    });
    if let Some(status) = &found.delivery_status {
        let fields = status.to_ascii_lowercase();
        let failed = fields.lines().any(|l| {
            let l = l.trim();
            l.starts_with("action:") && l.contains("failed")
        });
        let code = status.lines().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("status")
                .then(|| value.trim().chars().take(20).collect::<String>())
        });
        if failed || code.as_deref().is_some_and(|c| c.starts_with('5')) {
            return (InboundKind::Bounce, returned_id, code);
        }
        // A delay notice: the relay keeps trying; nothing is wrong yet.
        return (InboundKind::AutoReply, None, code);
    }
    let from = header("from");
    let subject = header("subject");
    let daemon = ["mailer-daemon@", "postmaster@", "<>"]
        .iter()
        .any(|d| from.contains(d));
    let bounce_subject = [
        "undeliver",
        "delivery status notification (failure)",
        "mail delivery failed",
        "failure notice",
        "returned mail",
        "delivery failure",
    ]
    .iter()
    .any(|s| subject.contains(s));
    if daemon && bounce_subject {
        return (InboundKind::Bounce, returned_id, None);
    }
    let auto_submitted = header("auto-submitted");
    let precedence = header("precedence");
    let automatic = (!auto_submitted.is_empty() && auto_submitted != "no")
        || mail.headers.get_first_header("X-Autoreply").is_some()
        || mail.headers.get_first_header("X-Autorespond").is_some()
        || ["auto_reply", "bulk", "junk"].contains(&precedence.as_str())
        || ["out of office", "automatic reply", "auto:", "autoreply"]
            .iter()
            .any(|s| subject.starts_with(s));
    if automatic {
        return (InboundKind::AutoReply, None, None);
    }
    (InboundKind::Reply, None, None)
}

/// `<a@b>` ids in a header value.
fn ids_in(value: &str) -> Vec<String> {
    value
        .split('<')
        .skip(1)
        .filter_map(|rest| rest.split_once('>'))
        .map(|(id, _)| format!("<{}>", id.trim()))
        .filter(|id| id.len() > 4 && id.len() <= 250 && id.contains('@'))
        .collect()
}

/// The addresses in an address header, lower-cased.
fn addresses_in(value: &str) -> Vec<String> {
    match mailparse::addrparse(value) {
        Ok(list) => list
            .iter()
            .flat_map(|a| match a {
                mailparse::MailAddr::Single(s) => vec![s.addr.to_lowercase()],
                mailparse::MailAddr::Group(g) => {
                    g.addrs.iter().map(|s| s.addr.to_lowercase()).collect()
                }
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn cut(text: &str) -> String {
    if text.chars().count() <= MAX_TEXT_CHARS {
        return text.to_owned();
    }
    let kept: String = text.chars().take(MAX_TEXT_CHARS).collect();
    format!("{kept}\n[… cut: the mail was longer]")
}

/// HTML as the text a reader saw: scripts and styles dropped, tags removed,
/// block ends as line breaks, the common entities decoded. The result is
/// shown escaped, as text; this only makes it readable.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        if lower[i..].starts_with('<') {
            let Some(end) = lower[i..].find('>') else {
                break;
            };
            let tag = &lower[i + 1..i + end];
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            i += end + 1;
            if !tag.starts_with('/') && (name == "script" || name == "style") {
                let close = format!("</{name}");
                match lower[i..].find(&close) {
                    Some(at) => {
                        i += at;
                        i += lower[i..].find('>').map_or(lower.len() - i, |e| e + 1);
                    }
                    None => break,
                }
                continue;
            }
            if ["br", "p", "div", "li", "tr", "h1", "h2", "h3", "blockquote"]
                .contains(&name.as_str())
            {
                out.push('\n');
            }
            continue;
        }
        let next = lower[i..].find('<').map_or(html.len(), |n| i + n);
        out.push_str(&decode_entities(&html[i..next]));
        i = next;
    }
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    lines
        .join("\n")
        .split("\n\n\n")
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn decode_entities(text: &str) -> String {
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests;
