//! What the database keeps of an email once it no longer needs to send it: the same message with
//! its secrets removed. Every secret an email carries travels as a `token=` value in a link
//! (sign-in links, one-click top-up links, order links), so removing those values removes them all.

use super::Rendered;

/// What a removed secret reads as.
pub const REMOVED: &str = "removed-after-sending";

/// The body with the value of every `token=` replaced by [`REMOVED`].
pub fn redact_text(body: &str) -> String {
    const KEY: &str = "token=";
    let mut kept = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find(KEY) {
        let (head, tail) = rest.split_at(at + KEY.len());
        kept.push_str(head);
        let secret = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(tail.len());
        if secret > 0 {
            kept.push_str(REMOVED);
        }
        rest = &tail[secret..];
    }
    kept.push_str(rest);
    kept
}

/// The message with its secrets removed from both bodies.
pub fn redact(message: &Rendered) -> Rendered {
    Rendered {
        subject: message.subject.clone(),
        text: redact_text(&message.text),
        html: redact_text(&message.html),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_secret_is_removed_and_the_rest_kept() {
        let secret = crate::ids::new_secret();
        let sign_in = format!("https://tern.example/auth/verify?token={secret}");
        let message = crate::mail::sign_in_link(&sign_in, 20);
        let kept = redact(&message);
        assert!(!kept.text.contains(&secret) && !kept.html.contains(&secret));
        assert!(kept
            .text
            .contains("https://tern.example/auth/verify?token=removed-after-sending\n"));
        assert!(kept.html.contains("?token=removed-after-sending\""));
        assert_eq!(kept.subject, message.subject);

        let order = format!("/order/ord_1?token={secret}&amp;x=1 and token={secret}.");
        assert_eq!(
            redact_text(&order),
            "/order/ord_1?token=removed-after-sending&amp;x=1 and token=removed-after-sending."
        );
        assert_eq!(
            redact_text("no secret here, token= alone"),
            "no secret here, token= alone"
        );
    }
}
