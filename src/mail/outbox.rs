//! Development mail: each message is written to `<outbox>/<id>.eml`; the /dev/outbox page lists them.

use async_trait::async_trait;
use std::path::PathBuf;
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

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), MailError> {
        let message = super::message::build(&self.from, email)?;
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| MailError(format!("outbox {}: {e}", self.dir.display())))?;
        let path = self.dir.join(format!("{}.eml", email.id));
        tokio::fs::write(&path, message.formatted())
            .await
            .map_err(|e| MailError(format!("{}: {e}", path.display())))?;
        tracing::info!(to = %email.recipient, subject = %email.subject, path = %path.display(), "email written to the outbox");
        Ok(())
    }
}
