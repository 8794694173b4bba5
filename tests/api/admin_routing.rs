//! The routing page of the admin panel: anyone on the staff sees which provider serves what; only
//! an owner sets or removes a rule, every change is audited, and new orders follow it at once.

use crate::admin::{
    admin_cookie, json, support_cookie, OWNER_EMAIL, OWNER_PASSWORD, SIGN_IN_REQUIRED,
};
use crate::support::{spawn_app_configured, TestApp};
use tern::config::AdminBootstrap;

/// eSIMfx's Japan 1 GB / 7 days plan; eSIM Go sells the same offer.
const JAPAN_1GB: &str = "esimfx_1G_7D_JP";
const FORBIDDEN: &str = "Only an owner can do this.";

/// Tern selling from eSIMfx and eSIM Go, with the first owner created at start.
async fn app() -> TestApp {
    spawn_app_configured(&["esimfx", "esimgo"], |settings| {
        settings.admin = AdminBootstrap {
            email: Some(OWNER_EMAIL.into()),
            password: Some(OWNER_PASSWORD.into()),
        };
    })
    .await
}

/// The rule form as the page posts it: a fixed rule for a country.
fn fix_country<'a>(country: &'a str, provider: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("scope", "country"),
        ("country", country),
        ("offer", ""),
        ("strategy", "fixed"),
        ("provider", provider),
        ("providers", ""),
    ]
}

/// The rules as `get_routing` lists them: (scope label, strategy label).
async fn rules(app: &TestApp, cookie: &str) -> Vec<(String, String)> {
    let (status, body) = app.server_fn(Some(cookie), "admin/get_routing", &[]).await;
    assert_eq!(status, 200, "{body}");
    json(&body)["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| {
            (
                rule["scope_label"].as_str().unwrap().to_owned(),
                rule["strategy_label"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn stored_rules(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) FROM routing_rules").await
}

/// Which provider the timeline of a new checkout for Japan 1 GB says serves it, and why.
async fn routing_of_new_order(app: &TestApp, email: &str) -> String {
    let (order, _session) = app.start_checkout_as(None, JAPAN_1GB, email).await;
    store::orders::timeline_entries(&app.db, &order)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.message)
        .find(|message| message.starts_with("Routing: "))
        .unwrap_or_else(|| panic!("order {order} has a routing line"))
}

fn serving(routing_line: &str) -> &str {
    routing_line
        .strip_prefix("Routing: ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap()
}

/// Audit lines for `action`: (subject, detail, admin name).
async fn audited(app: &TestApp, action: &str) -> Vec<(String, String, String)> {
    let filter = store::admin::audit::AuditFilter {
        admin_id: None,
        action: Some(action.into()),
    };
    store::admin::audit::list(&app.db, &filter, 1)
        .await
        .unwrap()
        .entries
        .into_iter()
        .map(|line| (line.subject, line.detail, line.admin_name))
        .collect()
}

#[tokio::test]
async fn only_staff_see_routing_and_only_owners_change_it() {
    let app = app().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let (status, body) = app
        .server_fn(
            Some(&owner),
            "admin/save_routing_rule",
            &fix_country("JP", "esimgo"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let before = rules(&app, &owner).await;

    let traveller = app.sign_in("traveller@example.com").await;
    for (who, cookie) in [
        ("anonymous", None),
        ("a traveller", Some(traveller.as_str())),
    ] {
        let (status, body) = app.get_as(cookie.unwrap_or(""), "/admin/routing").await;
        assert_eq!(status, 401, "{who} on the page");
        assert!(body.contains("Sign in to the admin panel"), "{who}");
        assert!(!body.contains("data-testid=\"routing-rule\""), "{who}");
        let calls: [(&str, Vec<(&str, &str)>); 3] = [
            ("admin/get_routing", vec![]),
            ("admin/save_routing_rule", fix_country("FR", "esimfx")),
            (
                "admin/remove_routing_rule",
                vec![("scope", "country"), ("value", "JP")],
            ),
        ];
        for (function, form) in calls {
            let (status, body) = app.server_fn(cookie, function, &form).await;
            assert_eq!(status, 401, "{who} calling {function}: {body}");
            assert!(body.contains(SIGN_IN_REQUIRED), "{body}");
        }
    }

    let support = support_cookie(&app).await;
    let (status, page) = app.get_as(&support, "/admin/routing").await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"routing-rule\"") && page.contains("Set a rule"));
    assert_eq!(
        page.matches("data-testid=\"routing-provider\"").count(),
        2,
        "both providers"
    );
    for (function, form) in [
        ("admin/save_routing_rule", fix_country("FR", "esimfx")),
        (
            "admin/remove_routing_rule",
            vec![("scope", "country"), ("value", "JP")],
        ),
    ] {
        let (status, body) = app.server_fn(Some(&support), function, &form).await;
        assert_eq!(status, 403, "support calling {function}: {body}");
        assert!(body.contains(FORBIDDEN), "{body}");
    }
    assert_eq!(rules(&app, &support).await, before, "nothing changed");
    assert_eq!(stored_rules(&app).await, 1);
    assert_eq!(audited(&app, "routing_rule_saved").await.len(), 1);
    assert!(audited(&app, "routing_rule_removed").await.is_empty());
}

#[tokio::test]
async fn a_country_rule_routes_new_orders_and_removing_it_restores_the_default() {
    let app = app().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let (_, body) = app.server_fn(Some(&owner), "admin/get_routing", &[]).await;
    assert_eq!(
        json(&body)["default_behaviour"],
        "cheapest healthy provider (no rule)"
    );
    let by_default = routing_of_new_order(&app, "first@example.com").await;
    let usual = serving(&by_default).to_owned();
    let other = if usual == "esimfx" {
        "esimgo"
    } else {
        "esimfx"
    };

    let (status, body) = app
        .server_fn(
            Some(&owner),
            "admin/save_routing_rule",
            &fix_country("jp", other),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let words = format!("Japan (JP): fixed to {other}");
    assert_eq!(json(&body), words.as_str());
    assert_eq!(
        rules(&app, &owner).await,
        [("Japan (JP)".to_owned(), format!("fixed to {other}"))]
    );
    assert_eq!(
        audited(&app, "routing_rule_saved").await,
        [("country:JP".to_owned(), words.clone(), "Owner".to_owned())]
    );
    let routed = routing_of_new_order(&app, "second@example.com").await;
    assert!(
        routed.starts_with(&format!("Routing: {other} serves"))
            && routed.contains(&format!("fixed to {other} (the rule for JP)")),
        "{routed}"
    );
    // The offer travellers see is now the fixed provider's plan.
    let listed = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM plans WHERE listed = TRUE AND provider = '{other}'
             AND offer_key = (SELECT offer_key FROM plans WHERE provider_product_id = '{JAPAN_1GB}')"
        ))
        .await;
    assert_eq!(listed, 1);

    let (status, body) = app
        .server_fn(
            Some(&owner),
            "admin/remove_routing_rule",
            &[("scope", "country"), ("value", "JP")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(rules(&app, &owner).await.is_empty());
    assert_eq!(audited(&app, "routing_rule_removed").await.len(), 1);
    let after = routing_of_new_order(&app, "third@example.com").await;
    assert_eq!(serving(&after), usual, "{after}");
    assert!(after.contains("(no rule)"), "{after}");

    // Removing it again says there is nothing to remove.
    let (status, body) = app
        .server_fn(
            Some(&owner),
            "admin/remove_routing_rule",
            &[("scope", "country"), ("value", "JP")],
        )
        .await;
    assert!(status >= 400, "{status}: {body}");
    assert!(body.contains("There is no such rule to remove."), "{body}");
}

#[tokio::test]
async fn invalid_rules_are_refused_with_a_clear_reason_and_nothing_is_saved() {
    let app = app().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let mut two_fixed = fix_country("JP", "");
    two_fixed[5] = ("providers", "esimfx, esimgo");
    let mut twice = fix_country("JP", "");
    twice[3] = ("strategy", "priority");
    twice[5] = ("providers", "esimgo, esimgo");
    let mut unknown_offer = fix_country("", "esimfx");
    unknown_offer[0] = ("scope", "offer");
    unknown_offer[2] = ("offer", "XX:1mb:1d");
    let mut no_scope = fix_country("JP", "esimfx");
    no_scope[0] = ("scope", "planet");
    let mut no_strategy = fix_country("JP", "esimfx");
    no_strategy[3] = ("strategy", "random");
    let cases = [
        (
            fix_country("XZ", "esimfx"),
            "There is no country with the code “XZ”.",
        ),
        (
            fix_country("Japan", "esimfx"),
            "There is no country with the code “Japan”.",
        ),
        (fix_country("", "esimfx"), "Choose a country for the rule."),
        (
            fix_country("JP", "truphone"),
            "“truphone” is not a provider Tern is set up for (it is set up for esimfx, esimgo).",
        ),
        (
            two_fixed,
            "A fixed rule names exactly one provider; use priority for an order of several.",
        ),
        (
            fix_country("JP", ""),
            "Name the provider that should serve.",
        ),
        (twice, "esimgo is named twice; name each provider once."),
        (unknown_offer, "No plan is the offer “XX:1mb:1d”."),
        (
            no_scope,
            "Choose what the rule applies to: everything, a country or one offer.",
        ),
        (
            no_strategy,
            "Choose a strategy: fixed, cheapest or priority.",
        ),
    ];
    for (form, message) in cases {
        let (status, body) = app
            .server_fn(Some(&owner), "admin/save_routing_rule", &form)
            .await;
        assert!(status >= 400, "{form:?}: {status} {body}");
        assert!(body.contains(message), "{form:?}: {body}");
    }
    assert_eq!(stored_rules(&app).await, 0, "nothing saved");
    assert!(audited(&app, "routing_rule_saved").await.is_empty());
}

#[tokio::test]
async fn the_page_describes_offer_rules_and_the_default_and_counts_offers_served() {
    let app = app().await;
    let owner = admin_cookie(&app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let offer_key: String = {
        use sqlx::Row;
        sqlx::query("SELECT offer_key FROM plans WHERE provider_product_id = $1")
            .bind(JAPAN_1GB)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .get("offer_key")
    };
    let priority = [
        ("scope", "default"),
        ("country", ""),
        ("offer", ""),
        ("strategy", "priority"),
        ("provider", "esimfx"),
        ("providers", "esimgo, esimfx"),
    ];
    let offer = [
        ("scope", "offer"),
        ("country", ""),
        ("offer", offer_key.as_str()),
        ("strategy", "cheapest"),
        ("provider", ""),
        ("providers", ""),
    ];
    for form in [&priority[..], &offer[..]] {
        let (status, body) = app
            .server_fn(Some(&owner), "admin/save_routing_rule", form)
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, body) = app.server_fn(Some(&owner), "admin/get_routing", &[]).await;
    let overview = json(&body);
    assert_eq!(
        overview["default_behaviour"],
        "priority esimgo > esimfx (the default rule)"
    );
    assert_eq!(
        rules(&app, &owner).await,
        [
            (
                "Everything (default)".to_owned(),
                "priority esimgo > esimfx".to_owned()
            ),
            (
                "Japan · 1 GB · 7 days".to_owned(),
                "cheapest healthy provider".to_owned()
            ),
        ]
    );
    let listed = app
        .scalar("SELECT COUNT(*) FROM plans WHERE listed = TRUE")
        .await;
    let served: i64 = overview["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["offers_served"].as_i64().unwrap())
        .sum();
    assert!(listed > 0);
    assert_eq!(served, listed, "every listed offer is served by someone");
    let esimgo = overview["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "esimgo")
        .unwrap();
    assert!(esimgo["offers_served"].as_i64().unwrap() > 0, "{esimgo}");

    // Without JavaScript the form comes back to the page with the outcome.
    let response = app
        .http
        .post(format!("{}/api/admin/remove_routing_rule", app.base_url))
        .header("cookie", &owner)
        .header("accept", "text/html")
        .form(&[("scope", "default"), ("value", "")])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/admin/routing?removed="),
        "{location}"
    );
    let (status, page) = app.get_as(&owner, &location).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Rule removed: Everything (default): priority esimgo"),
        "{page}"
    );
}
