//! Emails about a traveller's account and eSIMs: sign-in links, low-data alerts, top-ups added.

use super::templates::{escape, wrap, Rendered};

pub fn sign_in_link(link: &str, valid_minutes: i64) -> Rendered {
    let subject = "Your Tern sign-in link".to_owned();
    let text = format!(
        "Sign in to Tern to see your eSIMs: open this link and confirm.\n\n{link}\n\nThe link works once, for {valid_minutes} minutes. \
         If you did not ask for it, you can ignore this email.\n"
    );
    let html = wrap(&format!(
        "<h1>Sign in to Tern</h1><p><a href=\"{}\">Sign in and see your eSIMs</a></p>\
         <p>The link works once, for {valid_minutes} minutes. If you did not ask for it, you can ignore this email.</p>",
        escape(link)
    ));
    Rendered {
        subject,
        text,
        html,
    }
}

/// What a low-data alert says.
pub struct UsageAlert<'a> {
    pub label: &'a str,
    pub package: &'a str,
    pub percent: u8,
    pub remaining: &'a str,
    /// Signs the traveller in and opens the eSIM's top-up page.
    pub top_up_link: &'a str,
}

pub fn usage_alert(alert: &UsageAlert<'_>) -> Rendered {
    let subject = format!(
        "You have used {}% of your data on {}",
        alert.percent, alert.label
    );
    let text = format!(
        "Your {} package on {} is {}% used; {} left.\n\nTop up in one click: {}\n\n\
         The top-up starts by itself when the current package runs out; there is nothing to reinstall.\n",
        alert.package, alert.label, alert.percent, alert.remaining, alert.top_up_link
    );
    let html = wrap(&format!(
        "<h1>{}% of your data is used</h1><p>Your <strong>{}</strong> package on <strong>{}</strong> has {} left.</p>\
         <p><a href=\"{}\">Top up now</a></p>\
         <p>The top-up starts by itself when the current package runs out; there is nothing to reinstall.</p>",
        alert.percent,
        escape(alert.package),
        escape(alert.label),
        escape(alert.remaining),
        escape(alert.top_up_link)
    ));
    Rendered {
        subject,
        text,
        html,
    }
}

pub fn top_up_added(plan_title: &str, label: &str, esim_link: &str) -> Rendered {
    let subject = format!("Top-up added: {plan_title}");
    let text = format!(
        "{plan_title} was added to your eSIM {label}.\n\nIt starts by itself when your current data runs out or expires, \
         and its validity counts from its first use. You do not need to reinstall anything.\n\nSee it here: {esim_link}\n"
    );
    let html = wrap(&format!(
        "<h1>Top-up added</h1><p><strong>{}</strong> was added to your eSIM <strong>{}</strong>.</p>\
         <p>It starts by itself when your current data runs out or expires, and its validity counts from its first use. \
         You do not need to reinstall anything.</p><p><a href=\"{}\">See your eSIM</a></p>",
        escape(plan_title),
        escape(label),
        escape(esim_link)
    ));
    Rendered {
        subject,
        text,
        html,
    }
}

pub fn package_refunded(package: &str, label: &str, amount: &str) -> Rendered {
    let subject = format!("Refund on its way: {package}");
    let text = format!(
        "You cancelled the unused package {package} on {label}. We have refunded {amount} to your card; \
         refunds usually appear within 5–10 days.\n"
    );
    let html = wrap(&format!(
        "<h1>Refund on its way</h1><p>You cancelled the unused package <strong>{}</strong> on <strong>{}</strong>.</p>\
         <p>We have refunded <strong>{}</strong> to your card; refunds usually appear within 5–10 days.</p>",
        escape(package),
        escape(label),
        escape(amount)
    ));
    Rendered {
        subject,
        text,
        html,
    }
}
