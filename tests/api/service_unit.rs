//! `deploy/reportdesk.service`: systemd accepts it, and its sandboxing scores
//! "OK" or better in `systemd-analyze security`.

use std::process::Command;

use crate::helpers::tools::tool_available;

/// The unit with `ExecStart` pointing at the binary these tests built.
fn unit_here(dir: &std::path::Path) -> std::path::PathBuf {
    let unit = include_str!("../../deploy/reportdesk.service").replace(
        "/usr/local/bin/reportdesk serve",
        &format!("{} serve", env!("CARGO_BIN_EXE_reportdesk")),
    );
    let path = dir.join("reportdesk.service");
    std::fs::write(&path, unit).unwrap();
    path
}

fn systemd_analyze() -> bool {
    let here = Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    tool_available("systemd-analyze", here, "apt-get install systemd")
}

#[test]
fn the_service_unit_passes_systemd_analyze_verify() {
    if !systemd_analyze() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new("systemd-analyze")
        .arg("verify")
        .arg(unit_here(dir.path()))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && said.trim().is_empty(), "{said}");
}

#[test]
fn the_service_units_sandbox_scores_ok_or_better() {
    if !systemd_analyze() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new("systemd-analyze")
        .args(["security", "--offline=true", "--no-pager"])
        .arg(unit_here(dir.path()))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let overall = text
        .lines()
        .find(|l| l.contains("Overall exposure level"))
        .unwrap_or_else(|| panic!("no overall level in:\n{text}"));
    let figure: f64 = overall
        .split(':')
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(
        ["OK", "SAFE", "PERFECT"]
            .iter()
            .any(|level| overall.contains(level)),
        "{overall}"
    );
    assert!(figure <= 2.0, "exposure {figure}: {overall}");
}
