//! Builds a MIME message (text, HTML and inline QR image) from an outgoing email.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, MultiPart, SinglePart};
use lettre::Message;
use store::mail::{MailError, OutgoingEmail};

pub fn build(from: &str, email: &OutgoingEmail) -> Result<Message, MailError> {
    let from = from
        .parse()
        .map_err(|e| MailError(format!("TERN_MAIL_FROM is not an address: {e}")))?;
    let to = email
        .recipient
        .parse()
        .map_err(|e| MailError(format!("recipient {}: {e}", email.recipient)))?;
    let mut related = MultiPart::related().singlepart(SinglePart::html(email.html_body.clone()));
    for image in &email.inline_images {
        let png = ContentType::parse("image/png").map_err(|e| MailError(e.to_string()))?;
        related = related.singlepart(
            Attachment::new_inline(image.content_id.clone()).body(image.png.clone(), png),
        );
    }
    Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject.clone())
        .message_id(Some(format!("<{}@tern>", email.id)))
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(email.text_body.clone()))
                .multipart(related),
        )
        .map_err(|e| MailError(format!("could not build the message: {e}")))
}
