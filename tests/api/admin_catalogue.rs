//! Catalogue and prices in the admin panel: only owners change them (support may look), margins
//! apply most specific first and change travellers' prices at once, countries and plans go off
//! sale and come back, and the home page features what the owner chose.

use crate::admin::{
    app_with_owner, json, support_cookie, OWNER_EMAIL, OWNER_PASSWORD, SIGN_IN_REQUIRED,
};
use crate::support::{spawn_app_configured, TestApp};
use domain::pricing::{retail_price, Margin};
use domain::{Currency, Money};
use sqlx::Row;
use tern::config::AdminBootstrap;

const PAGES: [&str; 3] = ["/admin/catalogue", "/admin/catalogue/JP", "/admin/prices"];
const FORBIDDEN: &str = "Only an owner can do this.";

/// Every catalogue and price change an owner can make, with a valid form.
fn changes(plan_id: &str) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    vec![
        (
            "admin/set_margin",
            vec![("scope", "global".into()), ("margin", "55".into())],
        ),
        ("admin/remove_margin", vec![("scope", "global".into())]),
        (
            "admin/set_country_enabled",
            vec![("code", "JP".into()), ("enabled", "false".into())],
        ),
        (
            "admin/set_plan_enabled",
            vec![
                ("plan_id", plan_id.to_owned()),
                ("country", "JP".into()),
                ("enabled", "false".into()),
            ],
        ),
        (
            "admin/set_featured",
            vec![("code", "JP".into()), ("position", "1".into())],
        ),
    ]
}

const READS: [(&str, &[(&str, &str)]); 3] = [
    ("admin/get_catalogue", &[]),
    ("admin/get_catalogue_country", &[("code", "JP")]),
    ("admin/get_prices", &[]),
];

async fn owner(app: &TestApp) -> String {
    crate::admin::admin_cookie(app, OWNER_EMAIL, OWNER_PASSWORD).await
}

async fn call(app: &TestApp, cookie: &str, name: &str, form: &[(&str, String)]) -> (u16, String) {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.server_fn(Some(cookie), name, &form).await
}

/// Everything an owner's change would touch, to compare before and after a refused one.
async fn catalogue_state(app: &TestApp) -> (i64, i64, i64, i64, i64) {
    (
        app.scalar("SELECT COUNT(*) FROM margins").await,
        app.scalar("SELECT CAST(COALESCE(SUM(retail_minor), 0) AS BIGINT) FROM plans")
            .await,
        app.scalar("SELECT COUNT(*) FROM countries WHERE enabled = FALSE")
            .await,
        app.scalar("SELECT COUNT(*) FROM plans WHERE enabled = FALSE")
            .await,
        app.scalar(
            "SELECT CAST(COALESCE(SUM(popularity), -1) AS BIGINT) FROM countries WHERE code = 'JP'",
        )
        .await,
    )
}

/// The listed plan of `product`'s offer: its id, wholesale and retail (minor units).
async fn listed_price(app: &TestApp, product: &str) -> (String, i64, i64) {
    let row = sqlx::query(
        "SELECT id, wholesale_minor, retail_minor FROM plans
         WHERE listed = TRUE AND offer_key = (SELECT offer_key FROM plans WHERE provider_product_id = $1)",
    )
    .bind(product)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    (
        row.get("id"),
        row.get("wholesale_minor"),
        row.get("retail_minor"),
    )
}

fn usd(minor: i64) -> String {
    Money::new(minor, Currency::USD).to_string()
}

fn price_with(wholesale: i64, percent: &str) -> i64 {
    retail_price(
        Money::new(wholesale, Currency::USD),
        Margin::parse_percent(percent).unwrap(),
    )
    .minor
}

#[tokio::test]
async fn catalogue_and_prices_refuse_anonymous_visitors_and_travellers() {
    let app = app_with_owner().await;
    let plan = app.plan_id("esimfx_1G_7D_JP").await;
    let traveller = app.sign_in("traveller@example.com").await;
    let before = catalogue_state(&app).await;
    for cookie in ["", traveller.as_str()] {
        for page in PAGES {
            let (status, body) = app.get_as(cookie, page).await;
            assert_eq!(status, 401, "{page} as {cookie:?}");
            assert!(body.contains("Sign in to the admin panel"), "{page}");
            assert!(!body.contains("data-testid=\"catalogue-plan\""), "{page}");
        }
        for (name, form) in READS {
            let (status, body) = app.server_fn(Some(cookie), name, form).await;
            assert_eq!(status, 401, "{name}: {body}");
            assert!(body.contains(SIGN_IN_REQUIRED), "{name}: {body}");
        }
        for (name, form) in changes(&plan) {
            let (status, body) = call(&app, cookie, name, &form).await;
            assert_eq!(status, 401, "{name}: {body}");
            assert!(body.contains(SIGN_IN_REQUIRED), "{name}: {body}");
        }
    }
    assert_eq!(catalogue_state(&app).await, before, "nothing changed");
}

#[tokio::test]
async fn support_sees_catalogue_and_prices_but_cannot_change_them() {
    let app = app_with_owner().await;
    let plan = app.plan_id("esimfx_1G_7D_JP").await;
    let support = support_cookie(&app).await;
    let before = catalogue_state(&app).await;
    for page in PAGES {
        let (status, body) = app.get_as(&support, page).await;
        assert_eq!(status, 200, "support on {page}");
        assert!(body.contains("Sam Support"), "{page}: signed in");
    }
    let (_, japan) = app.get_as(&support, "/admin/catalogue/JP").await;
    assert!(
        japan.contains("data-testid=\"catalogue-plan\""),
        "the plans are listed"
    );
    for (name, form) in READS {
        let (status, body) = app.server_fn(Some(&support), name, form).await;
        assert_eq!(status, 200, "{name}: {body}");
    }
    for (name, form) in changes(&plan) {
        let (status, body) = call(&app, &support, name, &form).await;
        assert_eq!(status, 403, "{name}: {body}");
        assert!(body.contains(FORBIDDEN), "{name}: {body}");
    }
    assert_eq!(catalogue_state(&app).await, before, "nothing changed");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action LIKE '%margin%'")
            .await,
        0
    );
}

#[tokio::test]
async fn margins_apply_most_specific_first_and_travellers_see_them_at_once() {
    let app = app_with_owner().await;
    let owner = owner(&app).await;
    let (jp_plan, jp_wholesale, jp_before) = listed_price(&app, "esimfx_1G_7D_JP").await;
    let (_, fr_wholesale, _) = listed_price(&app, "esimfx_1G_7D_FR").await;
    assert_eq!(
        jp_before,
        price_with(jp_wholesale, "30"),
        "the configured default"
    );

    // Global first: every price follows.
    let (status, body) = call(
        &app,
        &owner,
        "admin/set_margin",
        &[("scope", "global".into()), ("margin", "55".into())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(json(&body).as_u64().unwrap() > 0, "prices changed: {body}");
    assert_eq!(
        listed_price(&app, "esimfx_1G_7D_JP").await.2,
        price_with(jp_wholesale, "55")
    );
    let (_, page) = app.get_html("/esim/japan").await;
    assert!(
        page.contains(&usd(price_with(jp_wholesale, "55"))),
        "the country page shows the new price"
    );

    // A country's margin beats the global one, for that country only.
    let (status, body) = call(
        &app,
        &owner,
        "admin/set_margin",
        &[
            ("scope", "country".into()),
            ("value", "jp".into()),
            ("margin", "12.5".into()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        listed_price(&app, "esimfx_1G_7D_JP").await.2,
        price_with(jp_wholesale, "12.5")
    );
    assert_eq!(
        listed_price(&app, "esimfx_1G_7D_FR").await.2,
        price_with(fr_wholesale, "55")
    );
    let (_, page) = app.get_html("/esim/japan").await;
    assert!(page.contains(&usd(price_with(jp_wholesale, "12.5"))));

    // A plan's own margin beats its country's.
    let (status, body) = call(
        &app,
        &owner,
        "admin/set_margin",
        &[
            ("scope", "plan".into()),
            ("value", jp_plan.clone()),
            ("margin", "80".into()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        listed_price(&app, "esimfx_1G_7D_JP").await.2,
        price_with(jp_wholesale, "80")
    );

    // The editor previews exactly the plans the country's margin decides, at today's prices.
    let (status, body) = app
        .server_fn(
            Some(&owner),
            "admin/get_prices",
            &[("scope", "country"), ("value", "JP")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let editor = &json(&body)["editor"];
    assert_eq!(editor["current"]["basis_points"], 1250);
    assert_eq!(
        editor["inherited"]["basis_points"], 5500,
        "the global margin below it"
    );
    let previewed: Vec<&str> = editor["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["plan_id"].as_str().unwrap())
        .collect();
    assert!(!previewed.is_empty());
    assert!(
        !previewed.contains(&jp_plan.as_str()),
        "the plan with its own margin is not the country's to price"
    );
    let jp_plans_without_own = app.scalar(&format!(
        "SELECT COUNT(*) FROM plans WHERE home_country = 'JP' AND active = TRUE AND id <> '{jp_plan}'"
    )).await;
    assert_eq!(editor["affected"].as_i64().unwrap(), jp_plans_without_own);

    // Removing margins falls back a level at a time.
    for (scope, value, expect) in [
        ("plan", jp_plan.as_str(), "12.5"),
        ("country", "JP", "55"),
        ("global", "", "30"),
    ] {
        let (status, body) = call(
            &app,
            &owner,
            "admin/remove_margin",
            &[("scope", scope.into()), ("value", value.into())],
        )
        .await;
        assert_eq!(status, 200, "{scope}: {body}");
        assert_eq!(
            listed_price(&app, "esimfx_1G_7D_JP").await.2,
            price_with(jp_wholesale, expect),
            "after removing {scope}"
        );
    }
    let (status, body) = call(
        &app,
        &owner,
        "admin/remove_margin",
        &[("scope", "global".into())],
    )
    .await;
    assert_ne!(status, 200);
    assert!(body.contains("No margin is set there."), "{body}");

    let audited = app.scalar("SELECT COUNT(*) FROM audit_log WHERE action IN ('set_margin', 'removed_margin') AND admin_name <> ''").await;
    assert_eq!(audited, 6, "three set, three removed");
    let (_, log) = app.get_as(&owner, "/admin/audit?action=set_margin").await;
    assert!(
        log.contains("Japan (JP): 12.5 % (was not set)"),
        "the log says what changed"
    );
}

#[tokio::test]
async fn a_new_price_applies_to_new_checkouts_and_a_sync_keeps_it() {
    let app = app_with_owner().await;
    let owner = owner(&app).await;
    let (_, wholesale, _) = listed_price(&app, "esimfx_1G_7D_JP").await;
    call(
        &app,
        &owner,
        "admin/set_margin",
        &[
            ("scope", "provider".into()),
            ("value", "esimfx".into()),
            ("margin", "42".into()),
        ],
    )
    .await;
    let (order, _) = app
        .start_checkout_as(None, "esimfx_1G_7D_JP", "buyer@example.com")
        .await;
    let amount = app
        .scalar(&format!(
            "SELECT amount_minor FROM orders WHERE id = '{order}'"
        ))
        .await;
    assert_eq!(
        amount,
        price_with(wholesale, "42"),
        "checkout charges the new price"
    );
    // The provider's next sync prices its plans with the margins set, not the default.
    app.sync().await.unwrap();
    assert_eq!(
        listed_price(&app, "esimfx_1G_7D_JP").await.2,
        price_with(wholesale, "42")
    );
}

#[tokio::test]
async fn bad_margins_are_refused_and_change_nothing() {
    let app = app_with_owner().await;
    let owner = owner(&app).await;
    let before = catalogue_state(&app).await;
    for (form, message) in [
        (
            vec![("scope", "global"), ("margin", "abc")],
            "Enter the margin as a percentage",
        ),
        (
            vec![("scope", "global"), ("margin", "501")],
            "between 0 % and 500 %",
        ),
        (
            vec![("scope", "global"), ("margin", "-5")],
            "Enter the margin as a percentage",
        ),
        (
            vec![("scope", "global"), ("margin", "1.234")],
            "at most two decimals",
        ),
        (
            vec![("scope", "provider"), ("value", "nobody"), ("margin", "10")],
            "no provider, country or plan",
        ),
        (
            vec![("scope", "country"), ("value", "XX"), ("margin", "10")],
            "no provider, country or plan",
        ),
        (
            vec![
                ("scope", "plan"),
                ("value", "pln_missing"),
                ("margin", "10"),
            ],
            "no provider, country or plan",
        ),
        (
            vec![("scope", "region"), ("value", "europe"), ("margin", "10")],
            "no provider, country or plan",
        ),
    ] {
        let (status, body) = app.server_fn(Some(&owner), "admin/set_margin", &form).await;
        assert_ne!(status, 200, "{form:?}");
        assert!(body.contains(message), "{form:?}: {body}");
    }
    assert_eq!(catalogue_state(&app).await, before, "nothing changed");

    // Without JavaScript: back to the editor with the error and what was typed.
    let response = app
        .http
        .post(format!("{}/api/admin/set_margin", app.base_url))
        .header("cookie", &owner)
        .header("accept", "text/html")
        .form(&[("scope", "country"), ("value", "JP"), ("margin", "abc")])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection());
    let back = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        back.starts_with("/admin/prices?scope=country&value=JP&margin=abc"),
        "{back}"
    );
    let (_, page) = app.get_as(&owner, &back).await;
    assert!(
        page.contains("Enter the margin as a percentage"),
        "the page shows the error"
    );
    assert!(page.contains(r#"value="abc""#), "what was typed is kept");

    let response = app
        .http
        .post(format!("{}/api/admin/set_margin", app.base_url))
        .header("cookie", &owner)
        .header("accept", "text/html")
        .form(&[("scope", "country"), ("value", "JP"), ("margin", "20")])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection());
    let done = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        done.starts_with("/admin/prices?scope=country&value=JP&saved="),
        "{done}"
    );
    let (_, page) = app.get_as(&owner, &done).await;
    assert!(page.contains("Margin saved."), "{done}");
    assert!(page.contains("Set here: 20 %."));
}

#[tokio::test]
async fn a_country_off_sale_disappears_and_comes_back() {
    let app = app_with_owner().await;
    let owner = owner(&app).await;
    assert_eq!(app.get_html("/esim/japan").await.0, 200);
    let (status, body) = call(
        &app,
        &owner,
        "admin/set_country_enabled",
        &[("code", "jp".into()), ("enabled", "false".into())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.get_html("/esim/japan").await.0, 404, "no page");
    let (_, home) = app.get_html("/").await;
    assert!(!home.contains("/esim/japan"), "not searchable or featured");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM plans WHERE home_country = 'JP' AND listed = TRUE")
            .await,
        0,
        "its plans are not listed"
    );
    // A checkout already on its way to the old page is refused, not charged.
    let plan = app.plan_id("esimfx_1G_7D_JP").await;
    let response = app
        .http
        .post(format!("{}/checkout", app.base_url))
        .form(&[("plan_id", plan.as_str()), ("email", "late@example.com")])
        .send()
        .await
        .unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        !location.starts_with(&app.stripe.base_url),
        "no payment page: {location}"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, 0);
    let (_, admin_page) = app.get_as(&owner, "/admin/catalogue/JP").await;
    assert!(admin_page.contains("Put Japan on sale"));

    call(
        &app,
        &owner,
        "admin/set_country_enabled",
        &[("code", "JP".into()), ("enabled", "true".into())],
    )
    .await;
    assert_eq!(app.get_html("/esim/japan").await.0, 200, "back on sale");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE subject = 'JP' AND action IN ('disabled_country', 'enabled_country')").await,
        2
    );
    let (status, body) = call(
        &app,
        &owner,
        "admin/set_country_enabled",
        &[("code", "XX".into()), ("enabled", "false".into())],
    )
    .await;
    assert_ne!(status, 200);
    assert!(
        body.contains("There is no country with that code."),
        "{body}"
    );
}

#[tokio::test]
async fn a_plan_off_sale_hands_its_offer_to_another_provider() {
    let app = spawn_app_configured(&["esimfx", "esimgo"], |settings| {
        settings.admin = AdminBootstrap {
            email: Some(OWNER_EMAIL.into()),
            password: Some(OWNER_PASSWORD.into()),
        };
    })
    .await;
    let owner = owner(&app).await;
    // An offer both providers sell.
    let offer: String = sqlx::query(
        "SELECT offer_key FROM plans WHERE home_country = 'JP' AND active = TRUE
         GROUP BY offer_key HAVING COUNT(DISTINCT provider) = 2 ORDER BY offer_key LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap()
    .get("offer_key");
    let listed = |app: &TestApp, offer: String| {
        let db = app.db.clone();
        async move {
            sqlx::query("SELECT id, provider FROM plans WHERE offer_key = $1 AND listed = TRUE")
                .bind(offer)
                .fetch_all(db.pool())
                .await
                .unwrap()
                .iter()
                .map(|row| (row.get::<String, _>("id"), row.get::<String, _>("provider")))
                .collect::<Vec<_>>()
        }
    };
    let first = listed(&app, offer.clone()).await;
    assert_eq!(first.len(), 1, "one plan per offer");
    let (first_id, first_provider) = first[0].clone();
    let (status, body) = call(
        &app,
        &owner,
        "admin/set_plan_enabled",
        &[
            ("plan_id", first_id.clone()),
            ("country", "JP".into()),
            ("enabled", "false".into()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let second = listed(&app, offer.clone()).await;
    assert_eq!(second.len(), 1);
    assert_ne!(
        second[0].1, first_provider,
        "the other provider serves the offer now"
    );

    let (status, _) = call(
        &app,
        &owner,
        "admin/set_plan_enabled",
        &[
            ("plan_id", second[0].0.clone()),
            ("country", "JP".into()),
            ("enabled", "false".into()),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        listed(&app, offer.clone()).await.is_empty(),
        "nobody may sell it now"
    );

    call(
        &app,
        &owner,
        "admin/set_plan_enabled",
        &[
            ("plan_id", first_id.clone()),
            ("country", "JP".into()),
            ("enabled", "true".into()),
        ],
    )
    .await;
    assert_eq!(listed(&app, offer).await, first, "back as before");
    let (_, page) = app.get_as(&owner, "/admin/catalogue/JP").await;
    assert!(page.contains("Take off sale") && page.contains("Put on sale"));
}

/// The featured countries' pages, in the order the home page shows them.
fn featured_on_home(home: &str) -> Vec<String> {
    let section = home
        .split("id=\"destinations\"")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("the popular destinations");
    section
        .split("href=\"/esim/")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_home_page_features_what_the_owner_chose_and_keeps_it_after_a_restart() {
    let app = app_with_owner().await;
    let owner = owner(&app).await;
    let (_, home) = app.get_html("/").await;
    let shipped = featured_on_home(&home);
    assert!(!shipped.is_empty());
    let (status, body) = call(
        &app,
        &owner,
        "admin/set_featured",
        &[("code", "FR".into()), ("position", "1".into())],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let featured = featured_on_home(&app.get_html("/").await.1);
    assert_eq!(featured[0], "france", "{featured:?}");
    assert_eq!(featured.iter().filter(|slug| *slug == "france").count(), 1);

    let dropped = shipped
        .iter()
        .find(|slug| *slug != "france")
        .unwrap()
        .clone();
    let code: String = sqlx::query("SELECT code FROM countries WHERE slug = $1")
        .bind(&dropped)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("code");
    call(
        &app,
        &owner,
        "admin/set_featured",
        &[("code", code), ("position", "".into())],
    )
    .await;
    let featured = featured_on_home(&app.get_html("/").await.1);
    assert!(
        !featured.contains(&dropped),
        "{dropped} is no longer featured"
    );

    // The shipped reference data loads at every start; it must not undo the owner's choice.
    store::reference::load(&app.db).await.unwrap();
    assert_eq!(featured_on_home(&app.get_html("/").await.1), featured);

    for position in ["0", "13", "first"] {
        let (status, body) = call(
            &app,
            &owner,
            "admin/set_featured",
            &[("code", "FR".into()), ("position", position.into())],
        )
        .await;
        assert_ne!(status, 200, "{position}");
        assert!(
            body.contains("The featured position must be between 1 and 12"),
            "{body}"
        );
    }
}
