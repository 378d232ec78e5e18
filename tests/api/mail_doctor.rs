//! `mail dkim-keygen` and `mail doctor` against a real DNS server (dnsmasq)
//! and a real DKIM verifier (dkimpy, in `dkim.rs`).

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output};

const FROM: &str = "Meridian Research <no-reply@publisher.test>";

/// The reportdesk binary with mail settings only (no database is touched).
pub fn reportdesk(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reportdesk"))
        .args(args)
        .current_dir(dir)
        .env("REPORTDESK_MAIL_FROM", FROM)
        .env("REPORTDESK_LOG", "warn")
        .envs(env.iter().copied())
        .output()
        .expect("run reportdesk")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs `mail dkim-keygen` in `dir`; answers the TXT value it printed (the
/// quoted strings joined, as DNS clients join them).
pub fn keygen(dir: &Path, selector: &str, ed25519: bool) -> String {
    let mut args = vec!["mail", "dkim-keygen", "--selector", selector];
    if ed25519 {
        args.push("--ed25519");
    }
    let output = reportdesk(dir, &args, &[]);
    assert!(output.status.success(), "{}", text(&output));
    let printed = String::from_utf8(output.stdout).unwrap();
    let line = printed
        .lines()
        .find(|l| l.starts_with(&format!("{selector}._domainkey.publisher.test. IN TXT (")))
        .unwrap_or_else(|| panic!("a zone line in {printed}"));
    line.split('"').skip(1).step_by(2).collect()
}

/// A DNS server for `publisher.test` with the given TXT records (name,
/// value); other names under it do not exist.
struct Dns {
    child: Child,
    port: u16,
}

impl Dns {
    /// `None` (the test skipped) without dnsmasq.
    fn start(records: &[(&str, &str)]) -> Option<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let binary = crate::helpers::tools::dnsmasq()?;
        let mut command = Command::new(binary);
        command.args([
            "--keep-in-foreground",
            "--no-resolv",
            "--no-hosts",
            "--bind-interfaces",
            "--listen-address=127.0.0.1",
            "--pid-file=",
            "--local=/publisher.test/",
            &format!("--port={port}"),
        ]);
        for (name, value) in records {
            // Strings of at most 255 bytes, as a zone would hold them
            // (dnsmasq splits its argument at commas).
            let strings: Vec<String> = value
                .as_bytes()
                .chunks(255)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            command.arg(format!("--txt-record={name},{}", strings.join(",")));
        }
        let child = command.spawn().expect("dnsmasq starts");
        // Ready once it answers on TCP.
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Some(Self { child, port })
    }

    fn doctor(&self, dir: &Path, env: &[(&str, &str)]) -> Output {
        let server = format!("127.0.0.1:{}", self.port);
        reportdesk(dir, &["mail", "doctor", "--dns", &server], env)
    }
}

impl Drop for Dns {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn dkim_keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites_one() {
    let dir = tempfile::tempdir().unwrap();
    let record = keygen(dir.path(), "rd2026", false);
    assert!(record.starts_with("v=DKIM1; k=rsa; p=MIIB"), "{record}");
    let key = dir.path().join("dkim-rd2026.pem");
    let pem = std::fs::read_to_string(&key).unwrap();
    assert!(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&key).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    let again = reportdesk(
        dir.path(),
        &["mail", "dkim-keygen", "--selector", "rd2026"],
        &[],
    );
    assert!(!again.status.success());
    assert!(text(&again).contains("dkim-rd2026.pem exists already"));
    assert_eq!(
        std::fs::read_to_string(&key).unwrap(),
        pem,
        "the key in use is kept"
    );

    let bad = reportdesk(
        dir.path(),
        &["mail", "dkim-keygen", "--selector", "a.b"],
        &[],
    );
    assert!(!bad.status.success());
    assert!(text(&bad).contains("--selector must be one DNS label"));
}

#[test]
fn mail_doctor_says_what_is_published_what_is_missing_and_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let record = keygen(dir.path(), "rd2026", false);
    let key = dir.path().join("dkim-rd2026.pem").display().to_string();
    let signing = [
        ("REPORTDESK_DKIM_SELECTOR", "rd2026"),
        ("REPORTDESK_DKIM_PRIVATE_KEY_FILE", key.as_str()),
        (
            "REPORTDESK_MAIL_URL",
            "smtp://relay.publisher.test:587?tls=required",
        ),
    ];

    let spf = "v=spf1 a:relay.publisher.test ~all";
    let Some(partial) = Dns::start(&[
        ("publisher.test", spf),
        ("rd2026._domainkey.publisher.test", &record),
    ]) else {
        return;
    };
    let output = partial.doctor(dir.path(), &signing);
    let report = text(&output);
    assert!(!output.status.success(), "a missing record fails: {report}");
    assert!(
        report.contains(&format!("ok: published: {spf}")),
        "{report}"
    );
    assert!(report.contains("needs: v=spf1 a:relay.publisher.test ~all"));
    assert!(
        report.contains(&format!("ok: published: {record}")),
        "a 2048-bit key's record (two strings, over 512 bytes) is read whole: {report}"
    );
    assert!(report.contains("DMARC  TXT at _dmarc.publisher.test"));
    assert!(report.contains("MISSING: publish the record above"));
    drop(partial);

    let other_key = keygen(dir.path(), "old", true);
    let complete = Dns::start(&[
        ("publisher.test", spf),
        ("rd2026._domainkey.publisher.test", &record),
        ("_dmarc.publisher.test", "v=DMARC1; p=none"),
    ])
    .unwrap();
    let output = complete.doctor(dir.path(), &signing);
    assert!(output.status.success(), "{}", text(&output));
    drop(complete);

    let stale = Dns::start(&[
        ("publisher.test", spf),
        ("publisher.test", "v=spf1 mx ~all"),
        ("rd2026._domainkey.publisher.test", &other_key),
        ("_dmarc.publisher.test", "v=DMARC1; p=none"),
    ])
    .unwrap();
    let report = text(&stale.doctor(dir.path(), &signing));
    assert!(
        report.contains("WRONG: 2 records start with v=spf1"),
        "{report}"
    );
    assert!(
        report.contains("WRONG: its p= is not the public half of REPORTDESK_DKIM_PRIVATE_KEY_FILE"),
        "{report}"
    );
}

#[test]
fn mail_doctor_says_so_when_dns_does_not_answer() {
    let dir = tempfile::tempdir().unwrap();
    // A port nobody answers on.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let server = silent.local_addr().unwrap().to_string();
    let output = reportdesk(dir.path(), &["mail", "doctor", "--dns", &server], &[]);
    let report = text(&output);
    assert!(!output.status.success());
    assert!(report.contains("UNKNOWN: DNS did not answer"), "{report}");
    assert!(
        report.contains("not checked: mail is not signed"),
        "{report}"
    );
}
