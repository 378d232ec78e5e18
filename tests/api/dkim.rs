//! DKIM: every mail signed for the From domain, checked by dkimpy (an
//! implementation not written here) against the published public key.

use std::process::Command;

use reportdesk::db::Backend;

use crate::helpers::valid_fields;
use crate::lead_mail::{app_sending_to, inquiry};
use crate::smtp::{SmtpServer, openssl};

/// dkimpy's verdict on a raw message, given the DNS TXT record of the key.
fn dkimpy_verifies(raw: &[u8], txt_record: &str, dir: &std::path::Path) -> bool {
    std::fs::write(dir.join("mail.eml"), raw).unwrap();
    std::fs::write(dir.join("record.txt"), txt_record).unwrap();
    let script = "import dkim, sys\n\
        msg = open('mail.eml', 'rb').read()\n\
        record = open('record.txt', 'rb').read()\n\
        print(dkim.verify(msg, dnsfunc=lambda name, timeout=5: record))\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .current_dir(dir)
        .output()
        .expect("python3 runs");
    let verdict = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        verdict == "True" || verdict == "False",
        "dkimpy is needed (pip install dkimpy): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    verdict == "True"
}

async fn signed_mail_verifies(key_args: &[&str], public_args: &[&str], k: &str) {
    if !crate::helpers::tools::dkimpy() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    openssl(dir.path(), key_args);
    let public_der = openssl(dir.path(), public_args);
    let record = format!("v=DKIM1; k={k}; p={}", base64_of(&public_der, k));
    mail_signed_with_verifies(dir.path(), "dkim.pem", &record).await;
}

/// Mail signed with the key in `dir/key_file` verifies with dkimpy given
/// `record`, and fails once changed.
async fn mail_signed_with_verifies(dir: &std::path::Path, key_file: &str, record: &str) {
    let key_file = dir.join(key_file).display().to_string();
    let smtp = SmtpServer::start();
    let app = app_sending_to(Backend::Sqlite, smtp.url(), |s| {
        s.dkim_selector = Some("rd2026".into());
        s.dkim_private_key_file = Some(key_file);
    })
    .await
    .unwrap();
    app.submit(&inquiry(), valid_fields()).await;
    let received = smtp.wait_for(2).await;
    assert_eq!(received.len(), 2);
    for mail in &received {
        let signature = mail.header("DKIM-Signature").expect("signed");
        assert!(signature.contains("d=publisher.test") && signature.contains("s=rd2026"));
        assert!(
            dkimpy_verifies(&mail.raw, record, dir),
            "dkimpy verifies it"
        );
        let mut tampered = mail.raw.clone();
        let at = tampered.len() - 10;
        tampered[at] ^= 1;
        assert!(
            !dkimpy_verifies(&tampered, record, dir),
            "a changed body fails"
        );
    }
    app.stop().await;
}

/// The `p=` of a TXT record: RSA keys publish the SubjectPublicKeyInfo,
/// Ed25519 keys (RFC 8463) the raw 32 bytes, its last.
fn base64_of(public_der: &[u8], k: &str) -> String {
    use base64::Engine;
    let bytes = if k == "ed25519" {
        &public_der[public_der.len() - 32..]
    } else {
        public_der
    };
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_confirmation_verifies_with_an_independent_dkim_checker_rsa() {
    signed_mail_verifies(
        &["genrsa", "-traditional", "-out", "dkim.pem", "2048"],
        &["rsa", "-in", "dkim.pem", "-pubout", "-outform", "DER"],
        "rsa",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_confirmation_verifies_with_an_independent_dkim_checker_ed25519() {
    signed_mail_verifies(
        &["genpkey", "-algorithm", "ed25519", "-out", "dkim.pem"],
        &["pkey", "-in", "dkim.pem", "-pubout", "-outform", "DER"],
        "ed25519",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_from_dkim_keygen_signs_mail_dkimpy_verifies_with_the_printed_record() {
    if !crate::helpers::tools::dkimpy() {
        return;
    }
    for ed25519 in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let record = crate::mail_doctor::keygen(dir.path(), "rd2026", ed25519);
        mail_signed_with_verifies(dir.path(), "dkim-rd2026.pem", &record).await;
    }
}
