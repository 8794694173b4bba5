//! The audit log: who did what in the admin panel, when, and to what. Every admin action that
//! changes something (and every sign-in and sign-out) writes one line; lines are never changed.

use super::Admin;
use crate::clock::now_millis;
use crate::{ids, Db};
use anyhow::Context;
use domain::admin::{AuditEntry, AuditPage};
use sqlx::Row;

/// An admin signed in (subject: the admin's id).
pub const SIGNED_IN: &str = "signed_in";
/// An admin signed out (subject: the admin's id).
pub const SIGNED_OUT: &str = "signed_out";
/// An owner created a staff account (subject: the new admin's id).
pub const CREATED_ADMIN: &str = "created_admin";
/// An owner put a country back on sale (subject: its ISO code).
pub const ENABLED_COUNTRY: &str = "enabled_country";
/// An owner took a country off sale (subject: its ISO code).
pub const DISABLED_COUNTRY: &str = "disabled_country";
/// An owner put a provider's plan back on sale (subject: the plan id).
pub const ENABLED_PLAN: &str = "enabled_plan";
/// An owner took a provider's plan off sale (subject: the plan id).
pub const DISABLED_PLAN: &str = "disabled_plan";
/// An owner changed the featured destinations (subject: the country's ISO code).
pub const CHANGED_FEATURED: &str = "changed_featured";
/// An owner set a margin (subject: "global", "provider:esimgo", "country:JP" or "plan:<id>").
pub const SET_MARGIN: &str = "set_margin";
/// An owner removed a margin, so a more general one applies (subject as for [`SET_MARGIN`]).
pub const REMOVED_MARGIN: &str = "removed_margin";
/// An owner set a routing rule (subject: "default", "country:JP" or "offer:<offer key>"; detail:
/// the rule in words).
pub const ROUTING_RULE_SAVED: &str = "routing_rule_saved";
/// An owner removed a routing rule, so a more general one applies (subject as for
/// [`ROUTING_RULE_SAVED`]).
pub const ROUTING_RULE_REMOVED: &str = "routing_rule_removed";

/// An owner disabled a staff account; its sessions ended (subject: the admin's id).
pub const DISABLED_ADMIN: &str = "disabled_admin";
/// An owner enabled a disabled staff account again (subject: the admin's id).
pub const ENABLED_ADMIN: &str = "enabled_admin";
/// An owner ended every session of a staff account (subject: the admin's id; detail: how many).
pub const REVOKED_SESSIONS: &str = "revoked_sessions";
/// An owner set a new password for a staff account; its sessions ended (subject: the admin's id;
/// detail: whether it was typed or generated, never the password).
pub const RESET_PASSWORD: &str = "reset_password";
/// An admin changed their own password; their other sessions ended (subject: their id).
pub const CHANGED_OWN_PASSWORD: &str = "changed_own_password";

/// The name written for changes made with `tern admin …` on the server, which no signed-in
/// admin makes; such a line's admin is the account changed.
pub const COMMAND_LINE: &str = "Command line";

/// Lines per page of [`list`].
pub const PAGE_SIZE: u32 = 50;

/// Writes one line: `admin` did `action` to `subject` (an id, or "" for nothing in particular),
/// with `detail` in words. Never put secrets in `detail`.
pub async fn record(
    db: &Db,
    admin: &Admin,
    action: &str,
    subject: &str,
    detail: &str,
) -> anyhow::Result<()> {
    write(db, &admin.id, &admin.name, action, subject, detail).await
}

/// Writes one line for a change made on the command line to the account `subject`.
pub async fn record_command_line(
    db: &Db,
    subject: &Admin,
    action: &str,
    detail: &str,
) -> anyhow::Result<()> {
    write(db, &subject.id, COMMAND_LINE, action, &subject.id, detail).await
}

async fn write(
    db: &Db,
    admin_id: &str,
    admin_name: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, admin_id, admin_name, action, subject, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(ids::new_id("aud"))
    .bind(now_millis())
    .bind(admin_id)
    .bind(admin_name)
    .bind(action)
    .bind(subject)
    .bind(detail)
    .execute(db.pool())
    .await
    .with_context(|| format!("Failed to write {action} to the audit log"))?;
    Ok(())
}

/// Which lines to show; `None` shows all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub admin_id: Option<String>,
    pub action: Option<String>,
}

/// One page (from 1) of the lines matching `filter`, newest first.
pub async fn list(db: &Db, filter: &AuditFilter, page: u32) -> anyhow::Result<AuditPage> {
    let page = page.max(1);
    let rows = sqlx::query(
        "SELECT id, at, admin_id, admin_name, action, subject, detail FROM audit_log
         WHERE ($1 IS NULL OR admin_id = $1) AND ($2 IS NULL OR action = $2)
         ORDER BY at DESC, id DESC LIMIT $3 OFFSET $4",
    )
    .bind(filter.admin_id.as_deref())
    .bind(filter.action.as_deref())
    .bind(i64::from(PAGE_SIZE) + 1)
    .bind(i64::from(page - 1) * i64::from(PAGE_SIZE))
    .fetch_all(db.pool())
    .await
    .context("Failed to read the audit log")?;
    let mut entries = rows
        .iter()
        .map(|row| {
            Ok(AuditEntry {
                id: row.try_get("id")?,
                at: row.try_get("at")?,
                admin_id: row.try_get("admin_id")?,
                admin_name: row.try_get("admin_name")?,
                action: row.try_get("action")?,
                subject: row.try_get("subject")?,
                detail: row.try_get("detail")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .context("Failed to read an audit log line")?;
    let has_next = entries.len() > PAGE_SIZE as usize;
    entries.truncate(PAGE_SIZE as usize);
    Ok(AuditPage {
        entries,
        page,
        has_next,
    })
}

/// Every action that appears in the log, for the filter.
pub async fn actions(db: &Db) -> anyhow::Result<Vec<String>> {
    let rows = sqlx::query("SELECT DISTINCT action FROM audit_log ORDER BY action")
        .fetch_all(db.pool())
        .await
        .context("Failed to list audit actions")?;
    rows.iter()
        .map(|row| row.try_get("action").context("Failed to read an action"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::{create_admin, test_db, AdminRole};

    #[tokio::test]
    async fn lines_filter_and_page_newest_first() {
        let db = test_db::fresh().await;
        let ada = create_admin(
            &db,
            "ada@tern.test",
            "Ada",
            AdminRole::Owner,
            "a long password",
        )
        .await
        .unwrap();
        let bo = create_admin(
            &db,
            "bo@tern.test",
            "Bo",
            AdminRole::Support,
            "a long password",
        )
        .await
        .unwrap();
        for _ in 0..PAGE_SIZE {
            record(&db, &ada, SIGNED_IN, &ada.id, "").await.unwrap();
        }
        record(&db, &ada, CREATED_ADMIN, &bo.id, "Bo (support)")
            .await
            .unwrap();
        record(&db, &bo, SIGNED_IN, &bo.id, "").await.unwrap();

        let first = list(&db, &AuditFilter::default(), 1).await.unwrap();
        assert_eq!(first.entries.len(), PAGE_SIZE as usize);
        assert!(first.has_next);
        assert!(first
            .entries
            .windows(2)
            .all(|pair| pair[0].at >= pair[1].at));
        let second = list(&db, &AuditFilter::default(), 2).await.unwrap();
        assert_eq!((second.entries.len(), second.has_next), (2, false));

        let by_bo = AuditFilter {
            admin_id: Some(bo.id.clone()),
            action: None,
        };
        assert_eq!(list(&db, &by_bo, 1).await.unwrap().entries.len(), 1);
        let created = AuditFilter {
            admin_id: None,
            action: Some(CREATED_ADMIN.into()),
        };
        let lines = list(&db, &created, 1).await.unwrap().entries;
        assert_eq!(
            (lines.len(), lines[0].subject.as_str()),
            (1, bo.id.as_str())
        );
        assert_eq!(actions(&db).await.unwrap(), [CREATED_ADMIN, SIGNED_IN]);
    }
}
