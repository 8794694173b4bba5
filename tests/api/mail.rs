//! Email over SMTP: the real lettre transport against a minimal SMTP server on loopback.

use store::mail::{InlineImage, Mailer, OutgoingEmail};
use tern::mail::SmtpMailer;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// Accepts one SMTP session and hands back the DATA it received.
async fn smtp_sink() -> (u16, oneshot::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
        let mut data = String::new();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    data.push_str(&line);
                    data.push('\n');
                }
                continue;
            }
            let verb = line
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250 sink\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"250 ok\r\n",
            };
            write.write_all(reply).await.unwrap();
        }
        let _ = tx.send(data);
    });
    (port, rx)
}

#[tokio::test]
async fn smtp_delivers_text_html_and_the_inline_qr() {
    let (port, received) = smtp_sink().await;
    let mailer = SmtpMailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "Tern <orders@tern.example>".into(),
    )
    .unwrap();
    let email = OutgoingEmail {
        id: "eml_test".into(),
        recipient: "sarah@example.com".into(),
        subject: "Your eSIM is ready".into(),
        text_body: "Scan the QR code".into(),
        html_body: "<img src=\"cid:install-qr\">".into(),
        inline_images: vec![InlineImage {
            content_id: "install-qr".into(),
            png: store::qr::png("LPA:1$rsp.example$ABC-123", 2).unwrap(),
        }],
    };
    mailer.send(&email).await.expect("sent over SMTP");
    let data = tokio::time::timeout(std::time::Duration::from_secs(10), received)
        .await
        .unwrap()
        .unwrap();
    assert!(data.contains("Subject: Your eSIM is ready"));
    assert!(data.contains("To: sarah@example.com"));
    assert!(data.contains("Content-Type: image/png") && data.contains("Content-ID: <install-qr>"));
    assert!(data.contains("Scan the QR code"));
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_an_error_not_a_panic() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mailer = SmtpMailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "Tern <orders@tern.example>".into(),
    )
    .unwrap();
    let email = OutgoingEmail {
        id: "eml_test".into(),
        recipient: "sarah@example.com".into(),
        subject: "s".into(),
        text_body: "t".into(),
        html_body: "h".into(),
        inline_images: vec![],
    };
    assert!(mailer.send(&email).await.is_err());
}
