//! Creating admin accounts outside the panel: the first owner from `TERN_ADMIN_EMAIL` and
//! `TERN_ADMIN_PASSWORD` at start-up, and the `tern admin …` commands: create an owner or a support
//! account; disable, enable, end the sessions of or reset the password of an account.

use crate::config::{AdminBootstrap, ExposeSecret};
use anyhow::{bail, Context};
use std::io::BufRead;
use store::admin::staff::{self, Actor, NewPassword, StaffError};
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
       tern admin disable --email <address>
       tern admin enable --email <address>
       tern admin revoke-sessions --email <address>
       tern admin reset-password --email <address>
create-owner and create-support read the password from TERN_ADMIN_PASSWORD, or ask for it on
standard input. reset-password always asks on standard input; an empty answer generates a
password and prints it once. disable, revoke-sessions and reset-password end the account's
sessions; the last active owner cannot be disabled.";

/// `tern admin …`: `args` are the words after `admin`.
pub async fn run_command(args: &[String], database_url: &str) -> anyhow::Result<()> {
    let Some((command, rest)) = args.split_first() else {
        bail!("{USAGE}");
    };
    let flags = parse_flags(rest)?;
    match command.as_str() {
        "create-owner" => create(AdminRole::Owner, flags, database_url).await,
        "create-support" => create(AdminRole::Support, flags, database_url).await,
        "disable" | "enable" | "revoke-sessions" | "reset-password" => {
            if flags.name.is_some() {
                bail!("{command} takes no --name\n{USAGE}");
            }
            let email = flags
                .email
                .with_context(|| format!("--email is required\n{USAGE}"))?;
            change(command, &email, database_url).await
        }
        _ => bail!("{USAGE}"),
    }
}

async fn create(role: AdminRole, flags: Flags, database_url: &str) -> anyhow::Result<()> {
    let (Some(email), Some(name)) = (flags.email, flags.name) else {
        bail!("--email and --name are both required\n{USAGE}");
    };
    let password = match std::env::var("TERN_ADMIN_PASSWORD") {
        Ok(password) if !password.is_empty() => password,
        _ => prompt_password("Password")?,
    };
    let db = open(database_url).await?;
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

/// `disable`, `enable`, `revoke-sessions` or `reset-password` for the account `email`, written to
/// the audit log as done on the command line.
async fn change(command: &str, email: &str, database_url: &str) -> anyhow::Result<()> {
    let db = open(database_url).await?;
    let account = staff::find_by_email(&db, email)
        .await?
        .with_context(|| format!("There is no admin account for {}.", email.trim()))?;
    let admin = &account.admin;
    let who = format!("{} <{}>", admin.name, admin.email);
    let now = store::clock::now_millis();
    let result = match command {
        "disable" => staff::set_enabled(&db, Actor::CommandLine, &admin.id, false, now)
            .await
            .map(|_| format!("Disabled {who}; their sessions have ended.")),
        "enable" => staff::set_enabled(&db, Actor::CommandLine, &admin.id, true, now)
            .await
            .map(|_| format!("Enabled {who}.")),
        "revoke-sessions" => staff::revoke_sessions(&db, Actor::CommandLine, &admin.id)
            .await
            .map(|ended| format!("Ended {ended} sessions of {who}.")),
        _ => {
            let typed = prompt_password("New password (empty: generate one)")?;
            let new_password = NewPassword::typed_or_generated(Some(&typed));
            staff::reset_password(&db, Actor::CommandLine, &admin.id, new_password)
                .await
                .map(|generated| match generated {
                    Some(password) => format!(
                        "New password for {who} (shown once): {password}\nTheir sessions have ended."
                    ),
                    None => format!("Set the new password for {who}; their sessions have ended."),
                })
        }
    };
    let message = result.map_err(|error| match error {
        StaffError::Unexpected(error) => error,
        expected => anyhow::anyhow!("{expected}"),
    })?;
    println!("{message}");
    Ok(())
}

async fn open(database_url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(database_url).await?;
    db.migrate().await?;
    Ok(db)
}

/// The flags after a command: `--email a@b --name "Ada"` (also `--email=a@b`).
#[derive(Debug, Default, PartialEq, Eq)]
struct Flags {
    email: Option<String>,
    name: Option<String>,
}

fn parse_flags(args: &[String]) -> anyhow::Result<Flags> {
    let mut flags = Flags::default();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let (flag, inline) = match word.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_owned())),
            None => (word.as_str(), None),
        };
        let slot = match flag {
            "--email" => &mut flags.email,
            "--name" => &mut flags.name,
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
    Ok(flags)
}

/// Reads the password from standard input (one line). It is echoed if typed at a terminal;
/// set TERN_ADMIN_PASSWORD to avoid that.
fn prompt_password(what: &str) -> anyhow::Result<String> {
    eprint!(
        "{what} (at least {} characters): ",
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
            parse_flags(&words(&["--email", "a@b.test", "--name=Ada L"])).unwrap(),
            Flags {
                email: Some("a@b.test".to_owned()),
                name: Some("Ada L".to_owned())
            }
        );
        assert_eq!(
            parse_flags(&words(&["--email=a@b.test"])).unwrap(),
            Flags {
                email: Some("a@b.test".to_owned()),
                name: None
            }
        );
        assert!(parse_flags(&words(&["--name"])).is_err());
        assert!(parse_flags(&words(&["--role", "owner"])).is_err());
    }
}
