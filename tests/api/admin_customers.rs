//! The admin's customers: only support and owners read them (pages and server functions alike);
//! the list finds a traveller by part of their email or an ICCID, and the detail shows their eSIM
//! with its package and their order.

use crate::admin::{app_with_owner, json, support_cookie, SIGN_IN_REQUIRED};

const PLAN: &str = "esimfx_1G_7D_JP";
const BUYER: &str = "Sarah.Traveller@example.com";
/// How the buyer's page is addressed: the lower-cased email, encoded as one path segment.
const BUYER_PAGE: &str = "/admin/customers/sarah.traveller%40example.com";

#[tokio::test]
async fn admin_customers_refuse_anonymous_visitors_and_travellers() {
    let app = app_with_owner().await;
    let (_, iccid) = app.buy_esim(PLAN, BUYER).await;
    let traveller = app.sign_in(BUYER).await;
    for (who, cookie) in [("anonymous", ""), ("the traveller", traveller.as_str())] {
        for page in ["/admin/customers", "/admin/customers?q=sarah", BUYER_PAGE] {
            let (status, body) = app.get_as(cookie, page).await;
            assert_eq!(status, 401, "{who} on {page}");
            assert!(
                body.contains("Sign in to the admin panel") && body.contains(r#"name="password""#),
                "{who} on {page}: the sign-in form"
            );
            for private in [
                iccid.as_str(),
                "customer-row",
                "customer-esim",
                "customer-order",
            ] {
                assert!(!body.contains(private), "{who} on {page}: {private}");
            }
        }
        let cookie = (!cookie.is_empty()).then_some(cookie);
        for (name, form) in [
            ("admin/list_customers", vec![]),
            ("admin/list_customers", vec![("query", "sarah")]),
            ("admin/get_customer", vec![("email", BUYER)]),
        ] {
            let (status, body) = app.server_fn(cookie, name, &form).await;
            assert_eq!(status, 401, "{who}: {name}: {body}");
            assert!(body.contains(SIGN_IN_REQUIRED), "{name}: {body}");
            assert!(!body.contains(&iccid), "{name}: {body}");
        }
    }
}

#[tokio::test]
async fn support_finds_a_customer_and_sees_their_esim_and_order() {
    let app = app_with_owner().await;
    let (order, iccid) = app.buy_esim(PLAN, BUYER).await;
    let (other_order, other_iccid) = app.buy_esim(PLAN, "someone.else@example.com").await;
    let support = support_cookie(&app).await;

    // The server function: by part of the email (any case), by ICCID, by order id.
    for query in ["TRAVELLER@exa", iccid.as_str(), order.as_str()] {
        let (status, body) = app
            .server_fn(Some(&support), "admin/list_customers", &[("query", query)])
            .await;
        assert_eq!(status, 200, "{query}: {body}");
        let page = json(&body);
        assert_eq!(page["total"], 1, "{query}: {body}");
        let customer = &page["customers"][0];
        assert_eq!(customer["email"], "sarah.traveller@example.com", "{body}");
        assert_eq!(customer["orders"], 1, "{body}");
        assert_eq!(customer["paid_orders"], 1, "{body}");
        assert_eq!(customer["esims"], 1, "{body}");
        assert!(
            customer["spent"][0]["minor"].as_i64().unwrap() > 0,
            "money was taken: {body}"
        );
    }
    let (_, body) = app
        .server_fn(Some(&support), "admin/list_customers", &[])
        .await;
    assert_eq!(json(&body)["total"], 2, "everyone: {body}");
    let (status, body) = app
        .server_fn(
            Some(&support),
            "admin/list_customers",
            &[("query", &"x".repeat(201))],
        )
        .await;
    assert!(status >= 400, "{status}");
    assert!(
        body.contains("Search for at most 200 characters."),
        "{body}"
    );

    // The page, as a browser without JavaScript sends the search.
    for search in ["traveller%40example", iccid.as_str()] {
        let (status, page) = app
            .get_as(&support, &format!("/admin/customers?q={search}"))
            .await;
        assert_eq!(status, 200, "{search}");
        assert_eq!(
            page.matches("data-testid=\"customer-row\"").count(),
            1,
            "{search}"
        );
        assert!(
            page.contains(&format!("href=\"{BUYER_PAGE}\"")),
            "{search}: the link"
        );
        assert!(
            !page.contains("someone.else@example.com"),
            "{search}: only the match"
        );
        assert!(page.contains("Email, ICCID or order id"), "the search box");
        assert!(page.contains("Page 1 of 1 · 1 customer"), "{search}");
    }
    let (_, none) = app.get_as(&support, "/admin/customers?q=nobody").await;
    assert!(none.contains("No customers match."));

    // The detail: the eSIM with its package and usage, the order linking to its page.
    let (status, body) = app
        .server_fn(Some(&support), "admin/get_customer", &[("email", BUYER)])
        .await;
    assert_eq!(status, 200, "{body}");
    let detail = json(&body);
    assert_eq!(detail["esims"][0]["iccid"], iccid.as_str(), "{body}");
    assert_eq!(detail["esims"][0]["order_id"], order.as_str(), "{body}");
    assert_eq!(detail["orders"][0]["id"], order.as_str(), "{body}");
    assert_eq!(detail["orders"].as_array().unwrap().len(), 1, "{body}");
    let package = app
        .wait_until("the eSIM's package", 20, || async {
            let (_, body) = app
                .server_fn(Some(&support), "admin/get_customer", &[("email", BUYER)])
                .await;
            let detail = json(&body);
            let package = &detail["esims"][0]["packages"][0];
            (!package.is_null()).then(|| package.clone())
        })
        .await;
    assert!(package["name"].as_str().is_some(), "{package}");

    let (status, page) = app.get_as(&support, BUYER_PAGE).await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"customer-esim\""), "the eSIM");
    assert!(page.contains(&iccid), "the ICCID");
    assert!(
        page.contains("data-testid=\"customer-package\""),
        "the package"
    );
    assert!(page.contains(package["name"].as_str().unwrap()), "its name");
    assert!(page.contains("role=\"meter\""), "its usage bar");
    assert!(page.contains("data-testid=\"customer-order\""), "the order");
    assert!(
        page.contains(&format!("href=\"/admin/orders/{order}\"")),
        "the order's link"
    );
    for other in [other_order.as_str(), other_iccid.as_str()] {
        assert!(!page.contains(other), "someone else's {other}");
    }

    // The order's page links back to its customer.
    let (_, order_page) = app
        .get_as(&support, &format!("/admin/orders/{order}"))
        .await;
    assert!(
        order_page.contains(&format!("href=\"{BUYER_PAGE}\"")),
        "the order links to its customer"
    );

    // An email with neither an order nor an account.
    let (status, body) = app
        .server_fn(
            Some(&support),
            "admin/get_customer",
            &[("email", "nobody@example.com")],
        )
        .await;
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("No customer with that email."), "{body}");
    let (status, page) = app
        .get_as(&support, "/admin/customers/nobody%40example.com")
        .await;
    assert_eq!(status, 404);
    assert!(page.contains("No customer with that email."));
}
