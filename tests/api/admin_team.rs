//! Staff accounts after they exist: an owner disables and enables an admin, ends their sessions
//! and sets them a new password (typed, or generated and shown once), from the panel and from
//! `tern admin …`; every admin changes their own password; support is refused the owner's
//! actions; the shop always keeps an active owner; everything is in the audit log.

use crate::admin::{
    admin_cookie, app_with_owner, json, sign_in_attempt, support_cookie, OWNER_EMAIL,
    OWNER_PASSWORD, SUPPORT_EMAIL, SUPPORT_PASSWORD,
};
use crate::support::TestApp;
use store::admin::AdminRole;

const ONLY_AN_OWNER: &str = "Only an owner can do this.";
const LAST_OWNER: &str = "at least one active owner";

async fn admin_id(app: &TestApp, email: &str) -> String {
    store::admin::staff::find_by_email(&app.db, email)
        .await
        .unwrap()
        .expect("the account exists")
        .admin
        .id
}

async fn audited(app: &TestApp, action: &str, subject: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND subject = '{subject}'"
    ))
    .await
}

/// Whether the cookie still opens the panel, checked on a server function and a page.
async fn opens_the_panel(app: &TestApp, cookie: &str) -> bool {
    let (function, _) = app
        .server_fn(Some(cookie), "admin/get_dashboard", &[])
        .await;
    let (page, _) = app.get_as(cookie, "/admin").await;
    assert_eq!(function, page, "the page and the function agree");
    function == 200
}

#[tokio::test]
async fn support_is_refused_every_owner_action_and_nothing_changes() {
    let app = app_with_owner().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let support = support_cookie(&app).await;
    let owner_id = admin_id(&app, OWNER_EMAIL).await;
    let support_id = admin_id(&app, SUPPORT_EMAIL).await;
    let before = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    for target in [&owner_id, &support_id] {
        let calls: [(&str, Vec<(&str, &str)>); 4] = [
            (
                "admin/set_admin_enabled",
                vec![("admin_id", target.as_str()), ("enabled", "false")],
            ),
            (
                "admin/revoke_admin_sessions",
                vec![("admin_id", target.as_str())],
            ),
            (
                "admin/reset_admin_password",
                vec![
                    ("admin_id", target.as_str()),
                    ("password", "taken over by support"),
                ],
            ),
            (
                "admin/reset_admin_password",
                vec![("admin_id", target.as_str())],
            ),
        ];
        for (name, form) in calls {
            let (status, body) = app.server_fn(Some(&support), name, &form).await;
            assert_eq!(status, 403, "{name} on {target}: {body}");
            assert!(body.contains(ONLY_AN_OWNER), "{name}: {body}");
        }
    }
    let (status, _) = app
        .server_fn(Some(&support), "admin/take_new_password", &[])
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log").await,
        before,
        "nothing was done"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM admins WHERE disabled_at IS NOT NULL")
            .await,
        0
    );
    assert!(
        opens_the_panel(&app, &owner).await,
        "the owner's session lives"
    );
    assert!(opens_the_panel(&app, &support).await);
    admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    admin_cookie(&app, SUPPORT_EMAIL, SUPPORT_PASSWORD).await;
    // Support sees the team but no owner's buttons.
    let (_, team) = app.get_as(&support, "/admin/team").await;
    assert!(team.contains("Change your password"));
    assert!(!team.contains("End sessions") && !team.contains("Reset password"));
}

#[tokio::test]
async fn a_disabled_admin_is_refused_at_once_and_cannot_sign_in_until_enabled() {
    let app = app_with_owner().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let support = support_cookie(&app).await;
    let support_id = admin_id(&app, SUPPORT_EMAIL).await;
    assert!(opens_the_panel(&app, &support).await);

    let (status, body) = app
        .server_fn(
            Some(&owner),
            "admin/set_admin_enabled",
            &[("admin_id", support_id.as_str()), ("enabled", "false")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(!opens_the_panel(&app, &support).await, "refused at once");
    let (status, body, cookie) = sign_in_attempt(&app, SUPPORT_EMAIL, SUPPORT_PASSWORD).await;
    assert!(
        status >= 400 && body.contains("do not match"),
        "{status} {body}"
    );
    assert!(cookie.is_none());
    let (_, team) = app.get_as(&owner, "/admin/team").await;
    assert!(team.contains("Disabled"), "the team page says so");
    assert_eq!(audited(&app, "disabled_admin", &support_id).await, 1);

    let (status, body) = app
        .server_fn(
            Some(&owner),
            "admin/set_admin_enabled",
            &[("admin_id", support_id.as_str()), ("enabled", "true")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let again = admin_cookie(&app, SUPPORT_EMAIL, SUPPORT_PASSWORD).await;
    assert!(opens_the_panel(&app, &again).await);
    assert!(
        !opens_the_panel(&app, &support).await,
        "the old session stays ended"
    );
    assert_eq!(audited(&app, "enabled_admin", &support_id).await, 1);
}

#[tokio::test]
async fn revoking_ends_every_session_of_that_admin_only() {
    let app = app_with_owner().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let phone = support_cookie(&app).await;
    let laptop = admin_cookie(&app, SUPPORT_EMAIL, SUPPORT_PASSWORD).await;
    let support_id = admin_id(&app, SUPPORT_EMAIL).await;
    let (status, body) = app
        .server_fn(
            Some(&owner),
            "admin/revoke_admin_sessions",
            &[("admin_id", support_id.as_str())],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body), 2, "both sessions ended");
    assert!(!opens_the_panel(&app, &phone).await);
    assert!(!opens_the_panel(&app, &laptop).await);
    assert!(opens_the_panel(&app, &owner).await, "the owner's own stays");
    // Not disabled: they sign in again.
    admin_cookie(&app, SUPPORT_EMAIL, SUPPORT_PASSWORD).await;
    assert_eq!(audited(&app, "revoked_sessions", &support_id).await, 1);
}

#[tokio::test]
async fn a_reset_replaces_the_password_and_ends_the_sessions() {
    let app = app_with_owner().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let support = support_cookie(&app).await;
    let support_id = admin_id(&app, SUPPORT_EMAIL).await;

    let typed = "a password the owner typed";
    let (status, body) = app
        .server_fn(
            Some(&owner),
            "admin/reset_admin_password",
            &[("admin_id", support_id.as_str()), ("password", typed)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        json(&body),
        serde_json::Value::Null,
        "a typed one is not echoed"
    );
    assert!(!opens_the_panel(&app, &support).await, "sessions ended");
    let (status, body, _) = sign_in_attempt(&app, SUPPORT_EMAIL, SUPPORT_PASSWORD).await;
    assert!(
        status >= 400 && body.contains("do not match"),
        "old password refused"
    );
    admin_cookie(&app, SUPPORT_EMAIL, typed).await;

    let (status, body) = app
        .server_fn(
            Some(&owner),
            "admin/reset_admin_password",
            &[("admin_id", support_id.as_str()), ("password", "")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let generated = json(&body)
        .as_str()
        .expect("a generated password")
        .to_owned();
    assert!(generated.len() >= 12);
    admin_cookie(&app, SUPPORT_EMAIL, &generated).await;
    let (status, _, _) = sign_in_attempt(&app, SUPPORT_EMAIL, typed).await;
    assert!(status >= 400);

    let (status, body) = app
        .server_fn(
            Some(&owner),
            "admin/reset_admin_password",
            &[("admin_id", support_id.as_str()), ("password", "short")],
        )
        .await;
    assert!(
        status >= 400 && body.contains("at least 12"),
        "{status} {body}"
    );
    admin_cookie(&app, SUPPORT_EMAIL, &generated).await;

    assert_eq!(audited(&app, "reset_password", &support_id).await, 2);
    let logged = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%{generated}%' OR detail LIKE '%{typed}%'"
        ))
        .await;
    assert_eq!(logged, 0, "no password in the log");
}

#[tokio::test]
async fn without_javascript_a_generated_password_is_shown_once_and_never_in_an_address() {
    let app = app_with_owner().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    support_cookie(&app).await;
    let support_id = admin_id(&app, SUPPORT_EMAIL).await;
    let response = app
        .http
        .post(format!("{}/api/admin/reset_admin_password", app.base_url))
        .header("accept", "text/html")
        .header("cookie", &owner)
        .form(&[("admin_id", support_id.as_str()), ("password", "")])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("/admin/team?done=reset_password&who={support_id}")
    );
    let flash = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in [
        "Path=/admin/team",
        "HttpOnly",
        "SameSite=Strict",
        "Max-Age=300",
    ] {
        assert!(flash.contains(attribute), "{attribute} in {flash}");
    }
    let flash = flash.split(';').next().unwrap().to_owned();
    let password = flash.split_once('=').unwrap().1.to_owned();
    assert!(!location.contains(&password));

    let page = app
        .http
        .get(format!("{}{location}", app.base_url))
        .header("cookie", format!("{owner}; {flash}"))
        .send()
        .await
        .unwrap();
    let cleared = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .find(|cookie| cookie.starts_with("tern_admin_new_password="))
        .expect("the cookie is removed once shown");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let body = page.text().await.unwrap();
    assert!(body.contains(&password), "shown on the team page");
    assert!(body.contains("has a new password"));
    admin_cookie(&app, SUPPORT_EMAIL, &password).await;
    // Without the cookie the page shows it no more.
    let (_, again) = app.get_as(&owner, &location).await;
    assert!(!again.contains(&password));
}

#[tokio::test]
async fn everyone_changes_their_own_password_and_keeps_this_session_only() {
    let app = app_with_owner().await;
    let here = support_cookie(&app).await;
    let elsewhere = admin_cookie(&app, SUPPORT_EMAIL, SUPPORT_PASSWORD).await;
    let support_id = admin_id(&app, SUPPORT_EMAIL).await;
    let new_password = "support's own new password";

    let (status, body) = app
        .server_fn(
            Some(&here),
            "admin/change_own_password",
            &[
                ("current_password", "not the right one"),
                ("new_password", new_password),
            ],
        )
        .await;
    assert!(
        status >= 400 && body.contains("current password is not right"),
        "{status} {body}"
    );
    assert!(opens_the_panel(&app, &elsewhere).await, "nothing changed");
    let (status, body) = app
        .server_fn(
            Some(&here),
            "admin/change_own_password",
            &[
                ("current_password", SUPPORT_PASSWORD),
                ("new_password", "short"),
            ],
        )
        .await;
    assert!(
        status >= 400 && body.contains("at least 12"),
        "{status} {body}"
    );
    assert_eq!(audited(&app, "changed_own_password", &support_id).await, 0);

    let (status, body) = app
        .server_fn(
            Some(&here),
            "admin/change_own_password",
            &[
                ("current_password", SUPPORT_PASSWORD),
                ("new_password", new_password),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(opens_the_panel(&app, &here).await, "this session stays");
    assert!(!opens_the_panel(&app, &elsewhere).await, "the others end");
    let (status, _, _) = sign_in_attempt(&app, SUPPORT_EMAIL, SUPPORT_PASSWORD).await;
    assert!(status >= 400, "the old password is refused");
    admin_cookie(&app, SUPPORT_EMAIL, new_password).await;
    assert_eq!(audited(&app, "changed_own_password", &support_id).await, 1);
}

#[tokio::test]
async fn the_shop_always_keeps_an_active_owner() {
    let app = app_with_owner().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let owner_id = admin_id(&app, OWNER_EMAIL).await;
    let disable = |id: String| {
        let owner = owner.clone();
        let app = &app;
        async move {
            app.server_fn(
                Some(&owner),
                "admin/set_admin_enabled",
                &[("admin_id", id.as_str()), ("enabled", "false")],
            )
            .await
        }
    };
    let (status, body) = disable(owner_id.clone()).await;
    assert!(
        status >= 400 && body.contains(LAST_OWNER),
        "{status} {body}"
    );
    assert!(opens_the_panel(&app, &owner).await);

    let second = store::admin::create_admin(
        &app.db,
        "second-owner@tern.test",
        "Second Owner",
        AdminRole::Owner,
        OWNER_PASSWORD,
    )
    .await
    .unwrap();
    // A disabled owner does not count.
    let (status, body) = disable(second.id.clone()).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = disable(owner_id.clone()).await;
    assert!(
        status >= 400 && body.contains(LAST_OWNER),
        "{status} {body}"
    );

    let (status, _) = app
        .server_fn(
            Some(&owner),
            "admin/set_admin_enabled",
            &[("admin_id", second.id.as_str()), ("enabled", "true")],
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = disable(owner_id.clone()).await;
    assert_eq!(
        status, 200,
        "with another active owner, one may step down: {body}"
    );
    assert!(!opens_the_panel(&app, &owner).await);
    let active_owners = app
        .scalar("SELECT COUNT(*) FROM admins WHERE role = 'owner' AND disabled_at IS NULL")
        .await;
    assert_eq!(active_owners, 1);
}

/// Runs `tern admin <args>` on the database at `url`, with `stdin` typed in; exit code, stdout
/// and stderr.
fn tern_admin(url: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_tern"))
        .arg("admin")
        .args(args)
        .env("DATABASE_URL", url)
        .env("TERN_ADMIN_PASSWORD", "the first owner's password")
        .env("RUST_LOG", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tern binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_command_line_manages_accounts() {
    let path = std::env::temp_dir().join(format!("tern_cli_{}.db", store::ids::new_id("t")));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let run = |args: &[&str], stdin: &str| tern_admin(&url, args, stdin);
    let ok = |(code, out, err): (i32, String, String)| {
        assert_eq!(code, 0, "{out}{err}");
        out
    };
    ok(run(
        &["create-owner", "--email", "ada@tern.test", "--name", "Ada"],
        "",
    ));
    ok(run(
        &[
            "create-support",
            "--email",
            "sam@tern.test",
            "--name",
            "Sam",
        ],
        "",
    ));
    let db = store::Db::connect(&url).await.unwrap();
    let now = store::clock::now_millis();
    let session = store::admin::sign_in(&db, "sam@tern.test", "the first owner's password", now)
        .await
        .unwrap();

    let out = ok(run(&["disable", "--email", "SAM@tern.test"], ""));
    assert!(out.contains("Disabled Sam <sam@tern.test>"), "{out}");
    assert_eq!(
        store::admin::session_admin(&db, &session.secret, now + 1)
            .await
            .unwrap(),
        None,
        "their session ended"
    );
    assert!(
        store::admin::sign_in(&db, "sam@tern.test", "the first owner's password", now)
            .await
            .is_err()
    );
    ok(run(&["enable", "--email", "sam@tern.test"], ""));
    let session = store::admin::sign_in(&db, "sam@tern.test", "the first owner's password", now)
        .await
        .unwrap();
    let out = ok(run(&["revoke-sessions", "--email", "sam@tern.test"], ""));
    assert!(out.contains("Ended 1 sessions"), "{out}");
    assert_eq!(
        store::admin::session_admin(&db, &session.secret, now + 1)
            .await
            .unwrap(),
        None
    );

    let out = ok(run(
        &["reset-password", "--email", "sam@tern.test"],
        "sam's typed password\n",
    ));
    assert!(!out.contains("sam's typed password"), "{out}");
    assert!(
        store::admin::sign_in(&db, "sam@tern.test", "sam's typed password", now)
            .await
            .is_ok()
    );
    let out = ok(run(&["reset-password", "--email", "sam@tern.test"], "\n"));
    let generated = out
        .split("(shown once): ")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .unwrap_or_else(|| panic!("a generated password in {out}"));
    assert!(store::admin::sign_in(&db, "sam@tern.test", generated, now)
        .await
        .is_ok());

    let (code, _, err) = run(&["disable", "--email", "ada@tern.test"], "");
    assert_eq!(code, 2);
    assert!(err.contains(LAST_OWNER), "{err}");
    let (code, _, err) = run(&["disable", "--email", "nobody@tern.test"], "");
    assert!(code != 0 && err.contains("no admin account"), "{err}");
    let (code, _, err) = run(&["disable"], "");
    assert!(code != 0 && err.contains("--email is required"), "{err}");

    use sqlx::Row;
    let lines: Vec<(String, String)> = sqlx::query(
        "SELECT admin_name, action FROM audit_log WHERE action <> 'signed_in' ORDER BY at, id",
    )
    .fetch_all(db.pool())
    .await
    .unwrap()
    .iter()
    .map(|row| (row.get("admin_name"), row.get("action")))
    .collect();
    let actions: Vec<&str> = lines.iter().map(|(_, action)| action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "disabled_admin",
            "enabled_admin",
            "revoked_sessions",
            "reset_password",
            "reset_password"
        ]
    );
    assert!(lines.iter().all(|(name, _)| name == "Command line"));
}
