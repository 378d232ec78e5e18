//! User management by admins, and the `reportdesk user` commands.

use crate::both_backends;
use crate::helpers::TestApp;
use crate::staff::{PASSWORD, new_browser};

async fn an_admin_adds_a_user_who_can_then_log_in(app: &TestApp) {
    let ada = app.admin().await;
    let response = ada
        .post(
            "/admin/users",
            "/admin/users",
            &[
                ("email", "Sam@Publisher.test"),
                ("name", "Sam Sales"),
                ("role", "sales"),
                ("password", "a-long-enough-secret"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert!(
        ada.page("/admin/users")
            .await
            .contains("sam@publisher.test")
    );
    assert_eq!(
        app.try_login(&new_browser(), "sam@publisher.test", "a-long-enough-secret")
            .await
            .status(),
        303
    );
    let short = ada
        .post(
            "/admin/users",
            "/admin/users",
            &[
                ("email", "x@publisher.test"),
                ("name", "X Y"),
                ("role", "sales"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(short.status(), 422);
    assert!(
        short
            .text()
            .await
            .unwrap()
            .contains("Use at least 12 characters")
    );
    let twice = ada
        .post(
            "/admin/users",
            "/admin/users",
            &[
                ("email", "sam@publisher.test"),
                ("name", "Sam Again"),
                ("role", "sales"),
                ("password", "a-long-enough-secret"),
            ],
        )
        .await;
    assert_eq!(twice.status(), 422);
}
both_backends!(an_admin_adds_a_user_who_can_then_log_in);

async fn nobody_can_disable_themselves_or_the_last_admin(app: &TestApp) {
    let ada = app.admin().await;
    let ada_id = 1;
    let response = ada
        .post(
            "/admin/users",
            &format!("/admin/users/{ada_id}/disable"),
            &[],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("You cannot disable or demote yourself")
    );
    let demote = ada
        .post(
            "/admin/users",
            &format!("/admin/users/{ada_id}/role"),
            &[("role", "sales")],
        )
        .await;
    assert_eq!(demote.status(), 422);

    let bob = app.create_user("bob@publisher.test", "Bob Admin", "admin");
    let bob_client = app.login("bob@publisher.test").await;
    assert_eq!(
        bob_client
            .post(
                "/admin/users",
                &format!("/admin/users/{ada_id}/disable"),
                &[]
            )
            .await
            .status(),
        303
    );
    // Ada is disabled; Bob is now the last admin and cannot be removed by anyone.
    let mut conn = app.pool().get().unwrap();
    let err = reportdesk::db::models::user::disable(&mut conn, bob, None).unwrap_err();
    assert!(matches!(
        err,
        reportdesk::db::models::user::UserChangeError::LastAdmin
    ));
}
both_backends!(nobody_can_disable_themselves_or_the_last_admin);

async fn an_admin_changes_a_role(app: &TestApp) {
    let ada = app.admin().await;
    let sam = app.create_user("sam@publisher.test", "Sam Sales", "sales");
    assert_eq!(
        ada.post(
            "/admin/users",
            &format!("/admin/users/{sam}/role"),
            &[("role", "admin")]
        )
        .await
        .status(),
        303
    );
    let sam_client = app.login("sam@publisher.test").await;
    assert_eq!(sam_client.get("/admin/users").await.status(), 200);
}
both_backends!(an_admin_changes_a_role);

async fn the_user_commands_add_set_passwords_and_disable(app: &TestApp) {
    let dir = app.db.dir.path();
    let add = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_reportdesk"))
            .args(args)
            .current_dir(dir)
            .env("REPORTDESK_DATABASE_URL", &app.db.url)
            .env("REPORTDESK_LOG", "warn")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let short = add(
        &[
            "user",
            "add",
            "--email",
            "sam@publisher.test",
            "--name",
            "Sam",
            "--role",
            "sales",
            "--password-stdin",
        ],
        "too-short\n",
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"));
    let ok = add(
        &[
            "user",
            "add",
            "--email",
            "sam@publisher.test",
            "--name",
            "Sam",
            "--role",
            "sales",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(
        app.try_login(&new_browser(), "sam@publisher.test", PASSWORD)
            .await
            .status(),
        303
    );
    let set = add(
        &[
            "user",
            "set-password",
            "--email",
            "sam@publisher.test",
            "--password-stdin",
        ],
        "another-long-secret\n",
    );
    assert!(set.status.success());
    assert_eq!(
        app.try_login(&new_browser(), "sam@publisher.test", "another-long-secret")
            .await
            .status(),
        303
    );
    let disable = add(&["user", "disable", "--email", "sam@publisher.test"], "");
    assert!(disable.status.success());
    assert_eq!(
        app.try_login(&new_browser(), "sam@publisher.test", "another-long-secret")
            .await
            .status(),
        422
    );
}
both_backends!(the_user_commands_add_set_passwords_and_disable);
