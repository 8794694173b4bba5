//! The admin panel's use cases: staff accounts with a role (separate from travellers), password
//! sign-in with a rate limit, sliding sessions, owners' changes to staff accounts, the audit log,
//! and the dashboard's figures.

pub mod accounts;
pub mod audit;
pub mod catalogue;
pub mod customers;
pub mod dashboard;
pub mod order_actions;
pub mod orders;
mod password;
pub mod prices;
pub mod routing;
pub mod sessions;
pub mod staff;

pub use accounts::{create_admin, list_admins, owner_exists, Admin, CreateAdminError};
pub use domain::admin::AdminRole;
pub use password::{hashing_load, HashingLoad, MIN_PASSWORD_LEN};
pub use sessions::{
    session_admin, session_from_cookies, sign_in, sign_out, AdminSession, SignInError,
    ADMIN_COOKIE, MAX_FAILED_ATTEMPTS, SESSION_IDLE_HOURS, SESSION_MAX_DAYS,
};

#[cfg(test)]
pub(crate) mod test_db {
    //! A fresh, migrated SQLite file per test.

    use crate::Db;

    pub async fn fresh() -> Db {
        let path = std::env::temp_dir().join(format!("tern_store_{}.db", crate::ids::new_id("t")));
        let db = Db::connect(&format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .expect("test database opens");
        db.migrate().await.expect("migrations run");
        db
    }

    /// A stored order in `status` (with its plan), paid an hour before `paid_at`; its id.
    pub async fn order(db: &Db, status: &str, paid_at: i64) -> String {
        let plan = crate::ids::new_id("pln");
        sqlx::query(
            "INSERT INTO plans (id, provider, provider_product_id, name, coverage_count, validity_days,
               currency, wholesale_minor, retail_minor, networks, content_hash, active, created_at, updated_at)
             VALUES ($1, 'esimfx', $1, 'Japan 1 GB', 1, 7, 'USD', 300, 450, '', '', TRUE, 0, 0)",
        )
        .bind(&plan)
        .execute(db.pool())
        .await
        .expect("plan stored");
        let id = crate::ids::new_id("ord");
        sqlx::query(
            "INSERT INTO orders (id, access_token, email, plan_id, plan_title, provider, provider_product_id,
               kind, currency, amount_minor, wholesale_minor, status, created_at, updated_at)
             VALUES ($1, $1, 'sarah@example.com', $2, 'Japan 1 GB', 'esimfx', $2, 'new', 'USD', 450, 300, $3, 0, 0)",
        )
        .bind(&id)
        .bind(&plan)
        .bind(status)
        .execute(db.pool())
        .await
        .expect("order stored");
        sqlx::query(
            "INSERT INTO order_events (id, order_id, at, kind, to_status, message)
             VALUES ($1, $2, $3, 'status', 'paid', 'Paid')",
        )
        .bind(crate::ids::new_id("oev"))
        .bind(&id)
        .bind(paid_at - 3_600_000)
        .execute(db.pool())
        .await
        .expect("event stored");
        id
    }
}
