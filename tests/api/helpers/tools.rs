//! Verifiers written by others (dkimpy, dnsmasq) that a fresh machine may not
//! have: their tests say SKIPPED loudly without them, and fail instead when
//! `REPORTDESK_TEST_REQUIRE_MAIL_TOOLS=1` (set by `.ci/run`).

/// Whether the tool is here; prints why a test is skipped when it is not.
pub fn mail_tool_available(tool: &str, available: bool, install: &str) -> bool {
    if available {
        return true;
    }
    let required = std::env::var("REPORTDESK_TEST_REQUIRE_MAIL_TOOLS").as_deref() == Ok("1");
    assert!(
        !required,
        "REPORTDESK_TEST_REQUIRE_MAIL_TOOLS=1 but {tool} is missing ({install})"
    );
    eprintln!("SKIPPED: {tool} is not installed ({install})");
    false
}

/// dkimpy with Ed25519 support, the independent DKIM verifier.
pub fn dkimpy() -> bool {
    let here = std::process::Command::new("python3")
        .args(["-c", "import dkim, nacl"])
        .output()
        .is_ok_and(|o| o.status.success());
    mail_tool_available("dkimpy", here, "pip install 'dkimpy[ed25519]'")
}

/// dnsmasq, the DNS server the mail doctor is asked.
pub fn dnsmasq() -> Option<&'static str> {
    let binary = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    mail_tool_available("dnsmasq", binary.is_some(), "apt-get install dnsmasq-base")
        .then_some(())?;
    binary
}
