use super::*;

fn with_env(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
    let mut figment = Figment::from(Serialized::defaults(Settings::default()));
    for (key, value) in pairs {
        figment = figment.merge((*key, *value));
    }
    Settings::from_figment(figment)
}

#[test]
fn the_defaults_run_on_an_embedded_database_and_local_mail_files() {
    let settings = with_env(&[]).unwrap();
    assert_eq!(settings.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(settings.database_url, "sqlite://data/reportdesk.sqlite3");
    assert_eq!(settings.mail_url, "file://data/mail");
    assert_eq!(settings.form_min_seconds, 3);
    assert!(!settings.is_https());
}

#[test]
fn a_public_url_without_a_scheme_is_refused() {
    let err = with_env(&[("public_url", "example.com")]).unwrap_err();
    assert!(err.to_string().contains("REPORTDESK_PUBLIC_URL"));
}

#[test]
fn trusted_proxies_are_a_comma_separated_list_of_addresses() {
    let settings = with_env(&[("trusted_proxies", "10.0.0.1, ::1")]).unwrap();
    assert_eq!(settings.trusted_proxy_ips().unwrap().len(), 2);
    let settings = with_env(&[("trusted_proxies", "proxy.local")]).unwrap();
    assert!(settings.trusted_proxy_ips().is_err());
}

#[test]
fn every_setting_is_explained_in_the_help_and_the_readme() {
    let fields = serde_json::to_value(Settings::default()).unwrap();
    let explained: Vec<&str> = MEANINGS.iter().map(|(field, _)| *field).collect();
    for field in fields.as_object().unwrap().keys() {
        assert!(
            explained.contains(&field.as_str()),
            "{field} has no meaning"
        );
    }
    let readme = include_str!("../../README.md");
    for (field, _) in MEANINGS {
        let variable = format!("REPORTDESK_{}", field.to_uppercase());
        assert!(help().contains(&variable));
        assert!(readme.contains(&variable), "the README lacks {variable}");
    }
}

#[test]
fn a_short_secret_key_is_refused() {
    assert!(decode_secret("abcd").is_err());
    assert!(decode_secret(&"ab".repeat(64)).is_ok());
    assert!(decode_secret(&"zz".repeat(64)).is_err());
}

#[test]
fn sqlite_urls_map_to_relative_and_absolute_paths() {
    assert_eq!(
        sqlite_path("sqlite://data/x.sqlite3"),
        Some(PathBuf::from("data/x.sqlite3"))
    );
    assert_eq!(
        sqlite_path("sqlite:///tmp/x.sqlite3"),
        Some(PathBuf::from("/tmp/x.sqlite3"))
    );
    assert_eq!(sqlite_path("postgres://h/db"), None);
}

#[test]
fn working_hours_and_a_time_zone_are_checked_at_start() {
    let hours = with_env(&[("working_hours", "weekdays")]).unwrap_err();
    assert!(
        format!("{hours:#}").contains("Mon-Fri 09:00-18:00"),
        "{hours:#}"
    );
    let zone = with_env(&[("timezone", "Europe/Atlantis")]).unwrap_err();
    assert!(format!("{zone:#}").contains("time zone"), "{zone:#}");
    let fine = with_env(&[
        ("working_hours", "Mon-Sat 08:00-17:30"),
        ("timezone", "Europe/Berlin"),
    ])
    .unwrap();
    assert_eq!(fine.working_hours().zone_name(), "Europe/Berlin");
    assert!(!fine.working_hours().is_always());
}

#[test]
fn yes_no_settings_read_1_and_0_as_people_write_them_in_the_environment() {
    let settings = with_env(&[
        ("webhook_allow_private", "1"),
        ("webhook_allow_insecure", "true"),
    ])
    .unwrap();
    assert!(settings.webhook_allow_private && settings.webhook_allow_insecure);
    let settings = with_env(&[("webhook_allow_private", "0")]).unwrap();
    assert!(!settings.webhook_allow_private);
    let refused = with_env(&[("webhook_allow_private", "maybe")]).unwrap_err();
    assert!(format!("{refused:#}").contains("yes/no"), "{refused:#}");
}

#[test]
fn the_sweep_interval_is_read_in_seconds_and_zero_is_refused_by_name() {
    let with_sweep = |seconds: u64| {
        let figment = Figment::from(Serialized::defaults(Settings::default()));
        Settings::from_figment(figment.merge(("sweep_seconds", seconds)))
    };
    assert_eq!(with_sweep(7).unwrap().sweep_seconds.get(), 7);
    let refused = with_sweep(0).unwrap_err();
    let message = format!("{refused:#}");
    assert!(message.contains("sweep_seconds"), "{message}");
}
