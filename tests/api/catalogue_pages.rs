//! The catalogue pages as a browser without JavaScript (or a crawler) receives them.

use crate::support::{spawn_app, TestApp};

async fn first_plan_path(app: &TestApp, prefix: &str) -> String {
    let (_, sitemap) = app.get_html("/sitemap.xml").await;
    sitemap
        .split("<loc>https://tern.example")
        .filter_map(|rest| rest.split("</loc>").next())
        .find(|path| path.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} in the sitemap"))
        .to_owned()
}

#[tokio::test]
async fn home_lists_popular_destinations_and_regions() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Popular destinations"));
    assert!(
        html.contains("href=\"/esim/japan\""),
        "Japan is a popular destination"
    );
    for region in ["europe", "asia", "global"] {
        assert!(
            html.contains(&format!("href=\"/esim/region/{region}\"")),
            "{region} listed"
        );
    }
    assert!(html.contains("<title>Tern"), "has a title");
    assert_eq!(canonical(&html).as_deref(), Some("https://tern.example/"));
}

#[tokio::test]
async fn search_without_javascript_renders_matches_on_the_server() {
    let app = spawn_app().await;
    for (query, expected) in [
        ("jap", "/esim/japan"),
        ("Holland", "/esim/netherlands"),
        ("USA", "/esim/united-states"),
        ("uk", "/esim/united-kingdom"),
    ] {
        let (status, html) = app.get_html(&format!("/?q={query}")).await;
        assert_eq!(status, 200);
        let results = html
            .split("aria-label=\"Matching destinations\"")
            .nth(1)
            .unwrap_or_else(|| panic!("results for {query}"));
        assert!(
            results.contains(&format!("href=\"{expected}\"")),
            "{query} finds {expected}"
        );
    }
    let (_, html) = app.get_html("/?q=atlantis").await;
    assert!(html.contains("No destination matches"));
}

#[tokio::test]
async fn country_page_lists_sorted_plans_with_retail_prices() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/esim/japan").await;
    assert_eq!(status, 200);
    assert!(html.contains("Japan eSIM"));
    assert!(html.contains("Per GB") && html.contains("Networks") && html.contains("Speed"));
    let prices = prices_in(&html);
    assert!(prices.len() > 3, "several plans: {prices:?}");
    assert!(
        prices.iter().all(|p| p % 100 == 99),
        "every price ends in .99: {prices:?}"
    );
    let local: Vec<i64> = prices_in(html.split("id=\"regional-plans\"").next().unwrap());
    assert!(
        local.windows(2).all(|w| w[0] <= w[1]),
        "local plans cheapest first: {local:?}"
    );
    assert!(html.contains("Regional plans that include Japan"));
    assert!(html.contains("application/ld+json") && html.contains("AggregateOffer"));

    let (_, by_data) = app.get_html("/esim/japan?sort=data").await;
    assert!(by_data.contains("aria-current=\"true\">Most data"));
    let first_card = by_data.split("class=\"plan-card").nth(1).unwrap();
    assert!(
        first_card.contains("Unlimited") || first_card.contains("GB"),
        "largest first"
    );
}

#[tokio::test]
async fn region_page_lists_plans_and_covered_countries() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/esim/region/europe").await;
    assert_eq!(status, 200);
    assert!(html.contains("Europe eSIM"));
    for country in ["/esim/france", "/esim/germany", "/esim/spain"] {
        assert!(
            html.contains(&format!("href=\"{country}\"")),
            "{country} covered"
        );
    }
    assert!(!prices_in(&html).is_empty());
}

#[tokio::test]
async fn plan_page_shows_coverage_networks_activation_and_offer() {
    let app = spawn_app().await;
    let path = first_plan_path(&app, "/plan/japan-").await;
    let (status, html) = app.get_html(&path).await;
    assert_eq!(status, 200, "{path}");
    assert!(html.contains("Activate within 60 days of purchase"));
    assert!(html.contains("Networks") && html.contains("<td>Japan"));
    assert!(html.contains("\"@type\":\"Product\"") && html.contains("\"priceCurrency\":\"USD\""));
    assert_eq!(
        canonical(&html),
        Some(format!("https://tern.example{path}"))
    );
}

#[tokio::test]
async fn unknown_pages_answer_404_with_a_helpful_page() {
    let app = spawn_app().await;
    for path in [
        "/esim/atlantis",
        "/esim/region/narnia",
        "/plan/no-such-plan",
        "/definitely/not/here",
    ] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("We couldn't find that page"), "{path}");
    }
}

#[tokio::test]
async fn sitemap_and_robots_describe_the_site() {
    let app = spawn_app().await;
    let (status, sitemap) = app.get_html("/sitemap.xml").await;
    assert_eq!(status, 200);
    assert!(sitemap.contains("<loc>https://tern.example/esim/japan</loc>"));
    assert!(sitemap.contains("<loc>https://tern.example/esim/region/europe</loc>"));
    let plans = sitemap.matches("<loc>https://tern.example/plan/").count() as i64;
    assert_eq!(
        plans,
        app.scalar("SELECT COUNT(*) FROM plans WHERE active = TRUE")
            .await
    );
    let (_, robots) = app.get_html("/robots.txt").await;
    assert!(robots.contains("Sitemap: https://tern.example/sitemap.xml"));
}

/// Every "$12.99"-style price in the page, in cents.
fn prices_in(html: &str) -> Vec<i64> {
    html.split("class=\"plan-price\"")
        .skip(1)
        .filter_map(|chunk| {
            let start = chunk.find('$')? + 1;
            let digits: String = chunk[start..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let (whole, cents) = digits.split_once('.')?;
            Some(whole.parse::<i64>().ok()? * 100 + cents.parse::<i64>().ok()?)
        })
        .collect()
}

/// The href of the page's canonical link.
fn canonical(html: &str) -> Option<String> {
    let tag = html.split("<link").find(|tag| {
        tag.split('>')
            .next()
            .is_some_and(|t| t.contains("rel=\"canonical\""))
    })?;
    let href = tag.split("href=\"").nth(1)?;
    Some(href.split('"').next()?.to_owned())
}
