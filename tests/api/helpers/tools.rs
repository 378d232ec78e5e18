//! Verifiers written by others (dkimpy, dnsmasq, qpdf, pdftotext) that a fresh machine may not
//! have: their tests say SKIPPED loudly without them, and fail instead when
//! `REPORTDESK_TEST_REQUIRE_TOOLS=1` (set by `.ci/run`).

/// Whether the tool is here; prints why a test is skipped when it is not.
pub fn tool_available(tool: &str, available: bool, install: &str) -> bool {
    if available {
        return true;
    }
    let required = std::env::var("REPORTDESK_TEST_REQUIRE_TOOLS").as_deref() == Ok("1");
    assert!(
        !required,
        "REPORTDESK_TEST_REQUIRE_TOOLS=1 but {tool} is missing ({install})"
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
    tool_available("dkimpy", here, "pip install 'dkimpy[ed25519]'")
}

/// dnsmasq, the DNS server the mail doctor is asked.
pub fn dnsmasq() -> Option<&'static str> {
    let binary = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    tool_available("dnsmasq", binary.is_some(), "apt-get install dnsmasq-base").then_some(())?;
    binary
}

/// qpdf and pdftotext (poppler-utils), which check the sample PDFs.
pub fn pdf_tools() -> bool {
    let runs = |tool: &str, arg: &str| std::process::Command::new(tool).arg(arg).output().is_ok();
    let here = runs("qpdf", "--version") && runs("pdftotext", "-v");
    tool_available(
        "qpdf and pdftotext",
        here,
        "apt-get install qpdf poppler-utils",
    )
}

/// The Standard Webhooks reference library for Python, the independent
/// verifier of webhook signatures.
pub fn standardwebhooks() -> bool {
    let here = std::process::Command::new("python3")
        .args(["-c", "import standardwebhooks"])
        .output()
        .is_ok_and(|o| o.status.success());
    tool_available("standardwebhooks", here, "pip install standardwebhooks")
}

/// openapi-spec-validator, which checks the API's OpenAPI 3.1 document.
pub fn openapi_spec_validator() -> bool {
    let here = std::process::Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .output()
        .is_ok_and(|o| o.status.success());
    tool_available(
        "openapi-spec-validator",
        here,
        "pip install openapi-spec-validator",
    )
}

/// promtool (Debian package `prometheus`), which checks the scraped metrics
/// and the alert rules.
pub fn promtool() -> bool {
    let here = std::process::Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    tool_available("promtool", here, "apt-get install prometheus")
}

/// oathtool (Debian's OATH Toolkit), the independent TOTP implementation
/// the two-factor tests compute codes with.
pub fn oathtool() -> bool {
    let here = std::process::Command::new("oathtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    tool_available("oathtool", here, "apt-get install oathtool")
}

/// The RFC 6238 code of a base32 secret at a unix time, by oathtool.
pub fn oathtool_code(secret_base32: &str, at: i64) -> String {
    let output = std::process::Command::new("oathtool")
        .args([
            "--totp",
            "--base32",
            "--now",
            &format!("@{at}"),
            secret_base32,
        ])
        .output()
        .expect("run oathtool");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// xmllint (libxml2-utils), which checks the sitemap against its schema.
pub fn xmllint() -> bool {
    let here = std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    tool_available("xmllint", here, "apt-get install libxml2-utils")
}
