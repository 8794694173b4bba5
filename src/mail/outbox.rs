//! Development mail: each message is written to `<outbox>/<id>.eml`, with its two bodies beside
//! it (`<id>.txt`, `<id>.html`) for the /dev/outbox page, which lists them. The database keeps
//! sent messages with their links' secrets removed, so these files are where a developer (or a
//! browser test) finds a sign-in link.

use async_trait::async_trait;
use std::path::{Path, PathBuf};
use store::mail::{MailError, Mailer, OutgoingEmail};

pub struct OutboxMailer {
    dir: PathBuf,
    from: String,
}

impl OutboxMailer {
    pub fn new(dir: PathBuf, from: String) -> Self {
        OutboxMailer { dir, from }
    }
}

/// The bodies of a message as the outbox mailer wrote it.
pub struct WrittenBodies {
    pub text: String,
    pub html: String,
}

/// The bodies of message `id` if the outbox mailer wrote it to `dir`.
pub async fn written(dir: &Path, id: &str) -> Option<WrittenBodies> {
    // Ids are the shop's own (`eml_…`); anything else names no file.
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let text = tokio::fs::read_to_string(dir.join(format!("{id}.txt")))
        .await
        .ok()?;
    let html = tokio::fs::read_to_string(dir.join(format!("{id}.html")))
        .await
        .ok()?;
    Some(WrittenBodies { text, html })
}

async fn write(path: &Path, contents: &[u8]) -> Result<(), MailError> {
    tokio::fs::write(path, contents)
        .await
        .map_err(|e| MailError(format!("{}: {e}", path.display())))
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), MailError> {
        let message = super::message::build(&self.from, email)?;
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| MailError(format!("outbox {}: {e}", self.dir.display())))?;
        let base = self.dir.join(&email.id);
        write(&base.with_extension("txt"), email.text_body.as_bytes()).await?;
        write(&base.with_extension("html"), email.html_body.as_bytes()).await?;
        // The message itself last: once it is there, so are its bodies.
        let path = base.with_extension("eml");
        write(&path, &message.formatted()).await?;
        tracing::info!(to = %email.recipient, subject = %email.subject, path = %path.display(), "email written to the outbox");
        Ok(())
    }
}
