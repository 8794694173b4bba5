//! The hosted checkout's HTML: plain server-rendered pages that work without JavaScript and
//! on a phone, each saying at the top that no real payment is taken.

use domain::{Currency, Money};

use crate::stripe::cards::{CardInput, FieldErrors};
use crate::stripe::objects::Session;

/// What every page shows about the purchase.
#[derive(Debug, Clone)]
pub(crate) struct Summary {
    lines: Vec<(String, i64, String)>,
    total: String,
    email: Option<String>,
    pub(crate) cancel_url: Option<String>,
}

fn money(minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(currency) => Money::new(minor, currency).to_string(),
        Err(_) => format!("{minor} {currency}"),
    }
}

impl Summary {
    pub(crate) fn of(session: &Session) -> Self {
        Self {
            lines: session
                .line_items
                .iter()
                .map(|item| {
                    (
                        item.name.clone(),
                        item.quantity,
                        money(item.unit_amount * item.quantity, &session.currency),
                    )
                })
                .collect(),
            total: money(session.amount_total(), &session.currency),
            email: session.customer_email.clone(),
            cancel_url: session.cancel_url.clone(),
        }
    }
}

/// Escapes text for HTML content and double-quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1a1f36;background:#f6f8fa}\
.test-mode{margin:0;padding:.6rem 1rem;background:#ffd84d;color:#3d2e00;font-weight:700;text-align:center}\
main{max-width:28rem;margin:0 auto;padding:1rem}\
h1{font-size:1.4rem;margin:.5rem 0 1rem}\
.summary{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:1rem;margin-bottom:1rem}\
.summary ul{list-style:none;margin:0;padding:0}\
.summary li,.total{display:flex;justify-content:space-between;gap:1rem}\
.total{border-top:1px solid #d8dee4;margin-top:.5rem;padding-top:.5rem;font-weight:700}\
form{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:1rem}\
label{display:block;font-weight:600;margin:.75rem 0 .25rem}\
input{width:100%;font:inherit;padding:.6rem;border:1px solid #8c959f;border-radius:6px}\
input[aria-invalid=true]{border-color:#c62828}\
.row{display:flex;gap:.75rem}.row>div{flex:1}\
.field-error{color:#c62828;margin:.25rem 0 0;font-size:.95rem}\
.alert{background:#fdecea;color:#8a1c1c;border:1px solid #f5c2c0;border-radius:6px;padding:.75rem;margin-bottom:1rem}\
button{width:100%;font:inherit;font-weight:700;margin-top:1rem;padding:.8rem;border:0;border-radius:6px;background:#635bff;color:#fff;cursor:pointer}\
button.secondary{background:#fff;color:#c62828;border:1px solid #c62828}\
a{color:#4338ca}.cancel{display:block;margin-top:1rem;text-align:center}\
details{margin-top:1rem;font-size:.95rem}code{white-space:nowrap}";

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Stripe sandbox</title><style>{STYLE}</style></head>\
         <body><p class=\"test-mode\" role=\"note\">TEST MODE — no real payment is taken</p>\
         <main>{body}</main></body></html>\n",
        title = escape(title)
    )
}

fn summary_html(summary: &Summary) -> String {
    let lines: String = summary
        .lines
        .iter()
        .map(|(name, quantity, amount)| {
            let quantity = if *quantity > 1 {
                format!(" × {quantity}")
            } else {
                String::new()
            };
            format!(
                "<li><span>{}{quantity}</span><span>{}</span></li>",
                escape(name),
                escape(amount)
            )
        })
        .collect();
    let email = summary
        .email
        .as_ref()
        .map(|email| format!("<p>Email: <strong>{}</strong></p>", escape(email)))
        .unwrap_or_default();
    format!(
        "<section class=\"summary\" aria-label=\"Order summary\"><ul>{lines}</ul>\
         <p class=\"total\"><span>Total due</span><span>{}</span></p>{email}</section>",
        escape(&summary.total)
    )
}

fn cancel_link(summary: &Summary) -> String {
    summary
        .cancel_url
        .as_ref()
        .map(|url| {
            format!(
                "<a class=\"cancel\" href=\"{}\">Cancel and return</a>",
                escape(url)
            )
        })
        .unwrap_or_default()
}

fn field(name: &str, label: &str, value: &str, error: Option<&str>, attributes: &str) -> String {
    let error_html = error
        .map(|e| {
            format!(
                "<p class=\"field-error\" id=\"{name}-error\">{}</p>",
                escape(e)
            )
        })
        .unwrap_or_default();
    let invalid = if error.is_some() {
        format!(" aria-invalid=\"true\" aria-describedby=\"{name}-error\"")
    } else {
        String::new()
    };
    format!(
        "<div><label for=\"{name}\">{label}</label>\
         <input id=\"{name}\" name=\"{name}\" value=\"{}\" {attributes}{invalid}>{error_html}</div>",
        escape(value)
    )
}

/// The card form, with the buyer's input, field errors and a payment error kept.
pub(crate) fn form(
    summary: &Summary,
    input: &CardInput,
    errors: &FieldErrors,
    alert: Option<&str>,
) -> String {
    let alert = alert
        .map(|message| {
            format!(
                "<div class=\"alert\" role=\"alert\">{}</div>",
                escape(message)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<h1>Pay with card</h1>{summary}{alert}\
         <form method=\"post\" novalidate>\
         {number}<div class=\"row\">{expiry}{cvc}</div>{name}\
         <button type=\"submit\">Pay {total}</button></form>{cancel}\
         <details><summary>Test cards</summary><ul>\
         <li><code>4242 4242 4242 4242</code> succeeds</li>\
         <li><code>4000 0000 0000 0002</code> is declined</li>\
         <li><code>4000 0025 0000 3155</code> asks for authentication</li>\
         </ul><p>Use any future expiry date and any 3-digit CVC.</p></details>",
        summary = summary_html(summary),
        number = field(
            "card_number",
            "Card number",
            &input.card_number,
            errors.card_number,
            "inputmode=\"numeric\" autocomplete=\"cc-number\" placeholder=\"1234 1234 1234 1234\"",
        ),
        expiry = field(
            "expiry",
            "Expiry (MM/YY)",
            &input.expiry,
            errors.expiry,
            "inputmode=\"numeric\" autocomplete=\"cc-exp\" placeholder=\"MM/YY\"",
        ),
        // The security code is never echoed back.
        cvc = field(
            "cvc",
            "CVC",
            "",
            errors.cvc,
            "inputmode=\"numeric\" autocomplete=\"cc-csc\" placeholder=\"123\"",
        ),
        name = field(
            "name",
            "Name on card",
            &input.name,
            errors.name,
            "autocomplete=\"cc-name\"",
        ),
        total = escape(&summary.total),
        cancel = cancel_link(summary),
    );
    layout("Checkout", &body)
}

/// The 3-D Secure stand-in: the buyer chooses how authentication ends.
pub(crate) fn authenticate(summary: &Summary) -> String {
    let body = format!(
        "<h1>Authenticate your payment</h1>{}\
         <p>Your bank asks you to confirm this payment. In the sandbox you choose how \
         authentication ends.</p>\
         <form method=\"post\">\
         <button type=\"submit\" name=\"action\" value=\"complete\">Complete authentication</button>\
         <button type=\"submit\" name=\"action\" value=\"fail\" class=\"secondary\">Fail authentication</button>\
         </form>",
        summary_html(summary)
    );
    layout("Authenticate", &body)
}

/// Shown for a session that is already paid.
pub(crate) fn complete(summary: &Summary, success_url: &str) -> String {
    let body = format!(
        "<h1>Payment complete</h1>{}<p>This checkout session has already been paid.</p>\
         <p><a href=\"{}\">Return to the merchant</a></p>",
        summary_html(summary),
        escape(success_url)
    );
    layout("Payment complete", &body)
}

/// Shown for a delayed payment that is waiting for the money.
pub(crate) fn processing(summary: &Summary, success_url: &str) -> String {
    let body = format!(
        "<h1>Payment processing</h1>{}<p>This checkout session is complete; the payment is \
         still processing.</p><p><a href=\"{}\">Return to the merchant</a></p>",
        summary_html(summary),
        escape(success_url)
    );
    layout("Payment processing", &body)
}

/// Shown for a session that expired before payment.
pub(crate) fn expired(summary: &Summary) -> String {
    let back = summary
        .cancel_url
        .as_ref()
        .map(|url| {
            format!(
                "<p><a href=\"{}\">Return to the merchant</a></p>",
                escape(url)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<h1>Checkout session expired</h1>{}<p>This checkout session has expired; no payment \
         was taken. Start again from the merchant's site.</p>{back}",
        summary_html(summary)
    );
    layout("Session expired", &body)
}

/// Shown for an unknown session id.
pub(crate) fn not_found() -> String {
    layout(
        "Not found",
        "<h1>Checkout session not found</h1><p>This link is not a checkout session the \
         sandbox knows. It may belong to an earlier run of the sandbox.</p>",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_a_buyer_or_merchant_can_type() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn formats_amounts_in_the_session_currency() {
        assert_eq!(money(1599, "usd"), "$15.99");
        assert_eq!(money(1500, "jpy"), "¥1500");
    }
}
