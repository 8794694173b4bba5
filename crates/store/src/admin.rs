//! The admin panel's use cases: staff accounts with a role (separate from travellers), password
//! sign-in with a rate limit, sliding sessions, the audit log, and the dashboard's figures.

pub mod accounts;
pub mod audit;
pub mod dashboard;
pub mod orders;
mod password;
pub mod sessions;

pub use accounts::{create_admin, list_admins, owner_exists, Admin, CreateAdminError};
pub use domain::admin::AdminRole;
pub use password::MIN_PASSWORD_LEN;
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
}
