//! Creating admin accounts outside the panel: the first owner from `TERN_ADMIN_EMAIL` and
//! `TERN_ADMIN_PASSWORD` at start-up, and the `tern admin create-owner|create-support` commands.

use crate::config::{AdminBootstrap, ExposeSecret};
use anyhow::{bail, Context};
use std::io::BufRead;
use store::admin::{AdminRole, CreateAdminError};
use store::Db;

/// Creates the owner from the environment when both variables are set and no owner exists yet.
/// Logs the address, never the password.
pub async fn bootstrap_owner(db: &Db, bootstrap: &AdminBootstrap) -> anyhow::Result<()> {
    let (Some(email), Some(password)) = (&bootstrap.email, &bootstrap.password) else {
        return Ok(());
    };
    if store::admin::owner_exists(db).await? {
        tracing::debug!("an owner exists; TERN_ADMIN_EMAIL is ignored");
        return Ok(());
    }
    let password = password.expose_secret();
    match store::admin::create_admin(db, email, "Owner", AdminRole::Owner, password).await {
        Ok(admin) => {
            tracing::info!(email = %admin.email, id = %admin.id, "created the first owner from TERN_ADMIN_EMAIL");
            Ok(())
        }
        // Another instance starting at the same moment created it first.
        Err(CreateAdminError::EmailTaken) => Ok(()),
        Err(CreateAdminError::Unexpected(error)) => {
            Err(error.context("Failed to create the first owner"))
        }
        Err(invalid) => bail!("TERN_ADMIN_EMAIL / TERN_ADMIN_PASSWORD: {invalid}"),
    }
}

const USAGE: &str = "usage: tern admin create-owner --email <address> --name <name>
       tern admin create-support --email <address> --name <name>
The password is read from TERN_ADMIN_PASSWORD, or asked for on standard input.";

/// `tern admin …`: `args` are the words after `admin`.
pub async fn run_command(args: &[String], database_url: &str) -> anyhow::Result<()> {
    let (role, rest) = match args.split_first() {
        Some((command, rest)) if command == "create-owner" => (AdminRole::Owner, rest),
        Some((command, rest)) if command == "create-support" => (AdminRole::Support, rest),
        _ => bail!("{USAGE}"),
    };
    let (email, name) = parse_account_flags(rest)?;
    let password = match std::env::var("TERN_ADMIN_PASSWORD") {
        Ok(password) if !password.is_empty() => password,
        _ => prompt_password()?,
    };
    let db = Db::connect(database_url).await?;
    db.migrate().await?;
    let admin = store::admin::create_admin(&db, &email, &name, role, &password)
        .await
        .map_err(|error| match error {
            CreateAdminError::Unexpected(error) => error,
            expected => anyhow::anyhow!("{expected}"),
        })?;
    println!(
        "Created {} {} <{}> ({})",
        admin.role.label().to_lowercase(),
        admin.name,
        admin.email,
        admin.id
    );
    Ok(())
}

/// `--email a@b --name "Ada"` (also `--email=a@b`), both required.
fn parse_account_flags(args: &[String]) -> anyhow::Result<(String, String)> {
    let (mut email, mut name) = (None, None);
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let (flag, inline) = match word.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_owned())),
            None => (word.as_str(), None),
        };
        let slot = match flag {
            "--email" => &mut email,
            "--name" => &mut name,
            _ => bail!("unknown argument {word}\n{USAGE}"),
        };
        let value = match inline {
            Some(value) => value,
            None => words
                .next()
                .with_context(|| format!("{flag} needs a value\n{USAGE}"))?
                .clone(),
        };
        *slot = Some(value);
    }
    match (email, name) {
        (Some(email), Some(name)) => Ok((email, name)),
        _ => bail!("--email and --name are both required\n{USAGE}"),
    }
}

/// Reads the password from standard input (one line). It is echoed if typed at a terminal;
/// set TERN_ADMIN_PASSWORD to avoid that.
fn prompt_password() -> anyhow::Result<String> {
    eprint!(
        "Password (at least {} characters): ",
        store::admin::MIN_PASSWORD_LEN
    );
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("Failed to read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &[&str]) -> Vec<String> {
        line.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn flags_in_either_form() {
        assert_eq!(
            parse_account_flags(&words(&["--email", "a@b.test", "--name=Ada L"])).unwrap(),
            ("a@b.test".to_owned(), "Ada L".to_owned())
        );
        assert!(parse_account_flags(&words(&["--email", "a@b.test"])).is_err());
        assert!(parse_account_flags(&words(&["--name"])).is_err());
        assert!(parse_account_flags(&words(&["--role", "owner"])).is_err());
    }
}
