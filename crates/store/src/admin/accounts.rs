//! Staff accounts: created by the owner (or at start-up for the first owner), listed on the team page.

use super::password;
use crate::accounts::normalise_email;
use crate::clock::now_millis;
use crate::{ids, Db};
use anyhow::Context;
use domain::admin::{AdminProfile, AdminRole, TeamMember};
use domain::{Email, InvalidEmail};
use sqlx::Row;

/// A staff member who can sign in to the admin panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: AdminRole,
}

impl Admin {
    /// What the panel's header shows.
    pub fn profile(&self) -> AdminProfile {
        AdminProfile {
            id: self.id.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role,
        }
    }

    pub(super) fn from_row(row: &sqlx::any::AnyRow) -> anyhow::Result<Admin> {
        let role: String = row.try_get("role")?;
        Ok(Admin {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            role: AdminRole::parse(&role)
                .with_context(|| format!("Failed to read the admin role {role:?}"))?,
        })
    }
}

/// Why an account was not created; each message is safe to show.
#[derive(Debug, thiserror::Error)]
pub enum CreateAdminError {
    #[error("{0}")]
    InvalidEmail(#[from] InvalidEmail),
    #[error("Please enter a name.")]
    NameRequired,
    #[error(
        "The password must be at least {} characters long.",
        password::MIN_PASSWORD_LEN
    )]
    PasswordTooShort,
    #[error("There is already an admin account with this email address.")]
    EmailTaken,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Creates a staff account; the password is stored only as an argon2 hash.
pub async fn create_admin(
    db: &Db,
    email: &str,
    name: &str,
    role: AdminRole,
    password: &str,
) -> Result<Admin, CreateAdminError> {
    let email = normalise_email(Email::parse(email)?.as_str());
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(CreateAdminError::NameRequired);
    }
    if !password::long_enough(password) {
        return Err(CreateAdminError::PasswordTooShort);
    }
    let password_hash = password::hash(password).await?;
    let admin = Admin {
        id: ids::new_id("adm"),
        email,
        name: name.to_owned(),
        role,
    };
    let inserted = sqlx::query(
        "INSERT INTO admins (id, email, name, role, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email) DO NOTHING",
    )
    .bind(&admin.id)
    .bind(&admin.email)
    .bind(&admin.name)
    .bind(admin.role.as_str())
    .bind(&password_hash)
    .bind(now_millis())
    .execute(db.pool())
    .await
    .context("Failed to create the admin account")?;
    if inserted.rows_affected() == 0 {
        return Err(CreateAdminError::EmailTaken);
    }
    Ok(admin)
}

/// Whether any owner account exists (disabled ones included), for the start-up bootstrap.
pub async fn owner_exists(db: &Db) -> anyhow::Result<bool> {
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM admins WHERE role = $1")
        .bind(AdminRole::Owner.as_str())
        .fetch_one(db.pool())
        .await
        .context("Failed to count owners")?
        .try_get("n")
        .context("Failed to read the owner count")?;
    Ok(count > 0)
}

/// Every staff account, owners first, then by name.
pub async fn list_admins(db: &Db) -> anyhow::Result<Vec<TeamMember>> {
    let rows = sqlx::query(
        "SELECT id, email, name, role, created_at, disabled_at FROM admins
         ORDER BY CASE WHEN role = 'owner' THEN 0 ELSE 1 END, name, email",
    )
    .fetch_all(db.pool())
    .await
    .context("Failed to list admins")?;
    rows.iter()
        .map(|row| {
            let admin = Admin::from_row(row)?;
            Ok(TeamMember {
                id: admin.id,
                email: admin.email,
                name: admin.name,
                role: admin.role,
                created_at: row
                    .try_get("created_at")
                    .context("Failed to read created_at")?,
                disabled: row
                    .try_get::<Option<i64>, _>("disabled_at")
                    .context("Failed to read disabled_at")?
                    .is_some(),
            })
        })
        .collect()
}

/// The account and its password hash for a sign-in; disabled accounts are not found.
pub(super) async fn for_sign_in(db: &Db, email: &str) -> anyhow::Result<Option<(Admin, String)>> {
    let row = sqlx::query(
        "SELECT id, email, name, role, password_hash FROM admins
         WHERE email = $1 AND disabled_at IS NULL",
    )
    .bind(email)
    .fetch_optional(db.pool())
    .await
    .context("Failed to load the admin account")?;
    row.map(|row| {
        Ok((
            Admin::from_row(&row)?,
            row.try_get("password_hash")
                .context("Failed to read the password hash")?,
        ))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::test_db;

    #[tokio::test]
    async fn accounts_are_validated_and_unique() {
        let db = test_db::fresh().await;
        assert!(!owner_exists(&db).await.unwrap());
        let ada = create_admin(
            &db,
            " Ada@Tern.Test ",
            "Ada",
            AdminRole::Owner,
            "a long password",
        )
        .await
        .unwrap();
        assert_eq!(ada.email, "ada@tern.test");
        assert!(owner_exists(&db).await.unwrap());
        assert!(matches!(
            create_admin(
                &db,
                "ada@tern.test",
                "Ada 2",
                AdminRole::Support,
                "a long password"
            )
            .await,
            Err(CreateAdminError::EmailTaken)
        ));
        assert!(matches!(
            create_admin(&db, "bo@tern.test", "Bo", AdminRole::Support, "short").await,
            Err(CreateAdminError::PasswordTooShort)
        ));
        assert!(matches!(
            create_admin(
                &db,
                "bo@tern.test",
                "  ",
                AdminRole::Support,
                "a long password"
            )
            .await,
            Err(CreateAdminError::NameRequired)
        ));
        assert!(matches!(
            create_admin(
                &db,
                "not an email",
                "Bo",
                AdminRole::Support,
                "a long password"
            )
            .await,
            Err(CreateAdminError::InvalidEmail(_))
        ));
        let stored: String = sqlx::query("SELECT password_hash FROM admins")
            .fetch_one(db.pool())
            .await
            .unwrap()
            .get("password_hash");
        assert!(stored.starts_with("$argon2id$") && !stored.contains("a long password"));
        let team = list_admins(&db).await.unwrap();
        assert_eq!(team.len(), 1);
        assert_eq!(team[0].role, AdminRole::Owner);
    }
}
