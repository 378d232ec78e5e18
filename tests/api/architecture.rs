//! The shape of the source that keeps it easy to carry on: small files, and
//! top-level modules that import each other in one direction only. (The same
//! graph, from `cargo modules dependencies --lib`, is drawn in the README.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn source_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

fn src() -> (PathBuf, Vec<PathBuf>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&root, &mut files);
    (root, files)
}

#[test]
fn no_source_file_is_longer_than_four_hundred_lines() {
    let (root, files) = src();
    let long: Vec<String> = files
        .iter()
        .map(|f| (f, std::fs::read_to_string(f).unwrap().lines().count()))
        .filter(|(_, lines)| *lines > 400)
        .map(|(f, lines)| format!("{} ({lines})", f.strip_prefix(&root).unwrap().display()))
        .collect();
    assert!(long.is_empty(), "over 400 lines: {long:?}");
}

/// The top-level module a file belongs to: `db` for `src/db/models/lead.rs`.
fn top_module(root: &Path, file: &Path) -> String {
    let first = file
        .strip_prefix(root)
        .unwrap()
        .components()
        .next()
        .unwrap();
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_owned()
}

/// Whether `to` can be reached from `from` along the import edges.
fn reaches(edges: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_owned()];
    while let Some(module) = todo.pop() {
        for next in edges.get(&module).into_iter().flatten() {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    false
}

#[test]
fn top_level_modules_import_each_other_in_one_direction() {
    let (root, files) = src();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let from = top_module(&root, file);
        if from == "lib" || from == "main" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for used in text.split("crate::").skip(1) {
            let to: String = used
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !to.is_empty() && to != from {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    let cycles: Vec<String> = edges
        .iter()
        .flat_map(|(from, tos)| tos.iter().map(move |to| (from, to)))
        .filter(|(from, to)| reaches(&edges, to, from))
        .map(|(from, to)| format!("{from} -> {to} -> … -> {from}"))
        .collect();
    assert!(cycles.is_empty(), "import cycles: {cycles:?}");
    assert!(edges["web"].contains("workflow"), "the scan sees imports");
}

/// Every value the database stores for a domain enum, as written there.
fn stored_values() -> Vec<&'static str> {
    use reportdesk::domain::{
        audit_action::AuditAction,
        lead_kind::LeadKind,
        lead_status::LeadStatus,
        licence::Licence,
        mail_kind::{MailKind, OutboxStatus},
        role::Role,
    };
    let mut values: Vec<&'static str> = Vec::new();
    values.extend(LeadKind::ALL.map(|v| v.as_db()));
    values.extend(LeadStatus::ALL.map(|v| v.as_db()));
    values.extend(Licence::ALL.map(|v| v.as_db()));
    values.extend(MailKind::ALL.map(|v| v.as_db()));
    values.extend(OutboxStatus::ALL.map(|v| v.as_db()));
    values.extend(Role::ALL.map(|v| v.as_db()));
    values.extend(AuditAction::ALL.map(|v| v.as_db()));
    values
}

#[test]
fn stored_values_are_spelled_only_by_their_domain_enums() {
    let (root, files) = src();
    let mut found = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&root).unwrap();
        if relative.starts_with("domain") || relative == Path::new("db/sql_types.rs") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for value in stored_values() {
            if text.contains(&format!("\"{value}\"")) {
                found.push(format!("{} spells \"{value}\"", relative.display()));
            }
        }
    }
    assert!(found.is_empty(), "use the domain enum instead: {found:?}");
}
