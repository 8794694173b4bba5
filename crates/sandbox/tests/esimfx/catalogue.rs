//! Catalogue listings (v2 and v1), filters, paging, product detail and catalogue control.

use std::collections::{BTreeSet, HashSet};

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::support::{assert_error, Harness};

/// Walks every page of a v2 listing.
async fn walk(h: &Harness, filter: Value, page_size: i64) -> Vec<Value> {
    let mut products = Vec::new();
    let mut page_start = json!({});
    loop {
        let mut body = filter.clone();
        body["page_start"] = page_start.clone();
        body["page_size"] = json!(page_size);
        let (status, answer) = h.post("/product/api/v2/get_products", body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["code"], 0);
        let page = answer["data"]["products"].as_array().unwrap();
        assert!(page.len() as i64 <= page_size.min(50));
        products.extend(page.iter().cloned());
        let key = &answer["data"]["last_evaluated_key"];
        if key.as_object().unwrap().is_empty() {
            return products;
        }
        assert_eq!(key["id"], page.last().unwrap()["id"]);
        page_start = key.clone();
    }
}

#[tokio::test]
async fn paging_sees_every_product_once() {
    let h = Harness::start().await;
    let products = walk(&h, json!({}), 50).await;
    assert!(products.len() >= 1500, "{}", products.len());
    let ids: HashSet<&str> = products.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), products.len(), "duplicates across pages");
    assert_eq!(h.stats().await["products"], products.len());

    let single: BTreeSet<&str> = products
        .iter()
        .filter_map(|p| match p["coverage"].as_array().unwrap().as_slice() {
            [one] => one.as_str(),
            _ => None,
        })
        .collect();
    assert!(single.len() >= 190, "{}", single.len());

    for prefix in [
        "europe_",
        "asia_",
        "north_america_",
        "latin_america_",
        "middle_east_",
        "africa_",
        "oceania_",
        "global_",
    ] {
        assert!(
            products
                .iter()
                .any(|p| p["name"].as_str().unwrap().starts_with(prefix)
                    && p["coverage"].as_array().unwrap().len() > 1),
            "no regional product {prefix}"
        );
    }

    for p in &products {
        assert!(p["id"].as_str().unwrap().starts_with("esimfx_"));
        assert_eq!(p["meta_product_id"].as_str().unwrap().len(), 36);
        assert_eq!(p["duration_unit"], "DAY");
        assert!(matches!(p["amount_unit"].as_str(), Some("GB" | "MB")));
        assert_eq!(p["price_unit"], "USD");
        let price = p["price"].as_f64().unwrap();
        assert!(price > 0.0);
        assert!(
            ((price * 100.0).round() - price * 100.0).abs() < 1e-9,
            "{price}"
        );
        if price.fract() == 0.0 {
            assert!(
                p["price"].is_u64(),
                "whole prices are integers: {}",
                p["price"]
            );
        }
        assert!(!p["networks"].as_array().unwrap().is_empty());
    }
    let profiles: HashSet<&str> = products
        .iter()
        .map(|p| p["imsi_profile"].as_str().unwrap())
        .collect();
    assert!(profiles.len() >= 4, "{profiles:?}");
}

#[tokio::test]
async fn page_size_and_page_start_are_validated() {
    let h = Harness::start().await;
    let (_, big) = h
        .post(
            "/product/api/v2/get_products",
            json!({ "page_start": {}, "page_size": 500 }),
        )
        .await;
    assert_eq!(big["data"]["products"].as_array().unwrap().len(), 50);
    let (_, default) = h.post("/product/api/v2/get_products", json!({})).await;
    assert_eq!(default["data"]["products"].as_array().unwrap().len(), 20);

    let path = "/product/api/v2/get_products";
    assert_error(&h.post(path, json!({ "page_size": 0 })).await, 400, 400);
    assert_error(&h.post(path, json!({ "page_size": "ten" })).await, 400, 400);
    assert_error(
        &h.post(path, json!({ "page_start": { "id": "nonsense" } }))
            .await,
        400,
        400,
    );
    assert_error(&h.post(path, json!({ "page_start": [1] })).await, 400, 400);
    assert_error(
        &h.post(path, json!({ "region": "Atlantis" })).await,
        400,
        400,
    );
    assert_error(&h.post(path, json!({ "countries": "JPN" })).await, 400, 400);
    let garbage = h
        .send(
            h.http
                .post(h.running.url(path))
                .bearer_auth(&h.token)
                .body("{\"page_size\":"),
        )
        .await;
    assert_error(&garbage, 400, 400);
}

#[tokio::test]
async fn country_and_region_filters() {
    let h = Harness::start().await;
    let japan = walk(&h, json!({ "countries": "JP" }), 50).await;
    let ids: Vec<&str> = japan.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"esimfx_10G_7D_JP"));
    assert!(ids.contains(&"esimfx_10G_30D_ASIA"));
    assert!(ids.contains(&"esimfx_10G_30D_GLOBAL"));
    assert!(japan
        .iter()
        .all(|p| p["coverage"].as_array().unwrap().contains(&json!("JP"))));
    let jp = japan
        .iter()
        .find(|p| p["id"] == "esimfx_10G_7D_JP")
        .unwrap();
    assert_eq!(jp["name"], "japan_10GB_7Day");
    assert_eq!(jp["amount"], 10);
    assert_eq!(jp["imsi_profile"], "Green");
    assert_eq!(jp["networks"][0]["mccmnc"], "44020");

    let two = walk(&h, json!({ "countries": "jp, fr" }), 50).await;
    assert!(two.iter().any(|p| p["coverage"] == json!(["FR"])));
    assert!(two.iter().any(|p| p["coverage"] == json!(["JP"])));

    // Region takes precedence over countries.
    let europe = walk(&h, json!({ "countries": "JP", "region": "Europe" }), 50).await;
    assert!(europe.iter().any(|p| p["id"] == "esimfx_10G_30D_EU"));
    assert!(europe.iter().any(|p| p["id"] == "esimfx_1G_7D_FR"));
    assert!(!europe
        .iter()
        .any(|p| p["coverage"].as_array().unwrap().contains(&json!("JP"))));

    let global = walk(&h, json!({ "region": "global" }), 50).await;
    assert!(!global.is_empty());
    assert!(global
        .iter()
        .all(|p| p["coverage"].as_array().unwrap().len() >= 100));
    let na = walk(&h, json!({ "region": "North America" }), 50).await;
    assert!(na.iter().any(|p| p["name"] == "north_america_5GB_30Day"));
}

#[tokio::test]
async fn legacy_listing_uses_uuids_and_query_params() {
    let h = Harness::start().await;
    let (status, first) = h
        .get("/product/api/v1/get_products?countries=JP&page_size=5")
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let page = first["data"]["products"].as_array().unwrap();
    assert_eq!(page.len(), 5);
    assert!(page
        .iter()
        .all(|p| p["id"].as_str().unwrap().len() == 36 && p.get("meta_product_id").is_none()));
    let cursor = first["data"]["last_evaluated_key"].clone();
    assert_eq!(cursor["id"], page[4]["id"]);

    // POST with a JSON body continues from the legacy cursor.
    let (_, second) = h
        .post(
            "/product/api/v1/get_products",
            json!({ "countries": "JP", "page_start": cursor, "page_size": 5 }),
        )
        .await;
    let next = second["data"]["products"].as_array().unwrap();
    assert!(!next.is_empty());
    assert!(next.iter().all(|p| !page.contains(p)));

    // GET with a JSON body, as the quick start shows.
    let (status, body) = h
        .send(
            h.http
                .get(h.running.url("/product/api/v1/get_products"))
                .bearer_auth(&h.token)
                .json(&json!({ "region": "Oceania", "page_size": 3 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["products"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn get_product_accepts_both_id_forms() {
    let h = Harness::start().await;
    let by_v2 = h.get_product("esimfx_10G_7D_JP").await;
    assert_eq!(by_v2["id"], "esimfx_10G_7D_JP");
    let meta = by_v2["meta_product_id"].as_str().unwrap();
    let by_meta = h.get_product(meta).await;
    assert_eq!(by_meta, by_v2);

    assert_error(
        &h.get("/product/api/v1/get_product?id=esimfx_10G_7D_XX")
            .await,
        404,
        404,
    );
    assert_error(
        &h.get("/product/api/v1/get_product?id=00000000-0000-4000-8000-000000000000")
            .await,
        404,
        404,
    );
    assert_error(&h.get("/product/api/v1/get_product").await, 400, 400);
}

#[tokio::test]
async fn catalogue_can_be_edited_and_restored() {
    let h = Harness::start().await;
    let before = h.stats().await["products"].as_u64().unwrap();
    h.control(
        "/_sandbox/catalogue/set_price",
        json!({ "id": "esimfx_1G_7D_JP", "price": 13.5 }),
    )
    .await;
    assert_eq!(h.get_product("esimfx_1G_7D_JP").await["price"], json!(13.5));
    h.control(
        "/_sandbox/catalogue/set_price",
        json!({ "id": "esimfx_1G_7D_JP", "price": 14 }),
    )
    .await;
    assert_eq!(
        h.get_product("esimfx_1G_7D_JP").await["price"].to_string(),
        "14"
    );

    h.control(
        "/_sandbox/catalogue/remove",
        json!({ "id": "esimfx_3G_15D_JP" }),
    )
    .await;
    assert_error(
        &h.get("/product/api/v1/get_product?id=esimfx_3G_15D_JP")
            .await,
        404,
        404,
    );
    assert_eq!(h.stats().await["products"].as_u64().unwrap(), before - 1);
    let (status, _) = h
        .send(
            h.http
                .post(h.running.url("/_sandbox/catalogue/set_price"))
                .json(&json!({ "id": "esimfx_1G_7D_JP", "price": 1.234 })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    h.control("/_sandbox/catalogue/restore", json!({})).await;
    assert_eq!(h.stats().await["products"].as_u64().unwrap(), before);
    assert_ne!(h.get_product("esimfx_1G_7D_JP").await["price"], json!(14));
}

#[tokio::test]
async fn unknown_routes_answer_with_the_envelope() {
    let h = Harness::start().await;
    assert_error(&h.get("/product/api/v9/nothing").await, 404, 404);
    assert_error(&h.get("/product/api/v2/get_products").await, 405, 405);
}
