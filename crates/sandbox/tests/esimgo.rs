//! The eSIM Go sandbox driven over real HTTP with plain reqwest: the documented API (catalogue,
//! orders, assignments in every format, eSIMs and bundles, revoking, organisation), its errors,
//! the bundle state machine in sandbox time, and the control API.

use std::io::Read;

use reqwest::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::StatusCode;
use sandbox::esimgo::{EsimGoSandbox, EsimGoSandboxConfig, RunningEsimGoSandbox, SANDBOX_API_KEY};
use serde_json::{json, Value};

const GB: u64 = 1_000_000_000;

struct Harness {
    running: RunningEsimGoSandbox,
    http: reqwest::Client,
}

impl Harness {
    async fn start() -> Self {
        Self::with(EsimGoSandboxConfig {
            clock_speed: 0,
            ..EsimGoSandboxConfig::default()
        })
        .await
    }

    async fn with(config: EsimGoSandboxConfig) -> Self {
        Self {
            running: EsimGoSandbox::spawn(config).await.expect("sandbox starts"),
            http: reqwest::Client::new(),
        }
    }

    fn api(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.running.api_base()))
            .header("X-API-Key", SANDBOX_API_KEY)
    }

    async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.expect("the sandbox answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
        (status, body)
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        Self::send(self.api(reqwest::Method::GET, path)).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        Self::send(self.api(reqwest::Method::POST, path).json(&body)).await
    }

    async fn delete(&self, path: &str) -> (StatusCode, Value) {
        Self::send(self.api(reqwest::Method::DELETE, path)).await
    }

    async fn control(&self, path: &str, body: Value) -> Value {
        let (status, body) = Self::send(self.http.post(self.running.url(path)).json(&body)).await;
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }

    async fn esim_summary(&self, iccid: &str) -> Value {
        let (status, body) = Self::send(
            self.http
                .get(self.running.url(&format!("/_sandbox/esims/{iccid}"))),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// A transaction that must succeed.
    async fn buy(&self, items: Value) -> Value {
        let (status, body) = self
            .post(
                "/orders",
                json!({ "type": "transaction", "assign": true, "order": items }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// One new eSIM with `bundle`; its ICCID and the order.
    async fn new_esim(&self, bundle: &str) -> (String, Value) {
        let order = self
            .buy(json!([{ "type": "bundle", "item": bundle, "quantity": 1, "allowReassign": false }]))
            .await;
        let iccid = order["order"][0]["esims"][0]["iccid"]
            .as_str()
            .expect("an ICCID")
            .to_owned();
        (iccid, order)
    }
}

#[track_caller]
fn assert_message(answer: &(StatusCode, Value), status: u16, text: &str) {
    let (got, body) = answer;
    assert_eq!(got.as_u16(), status, "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(text),
        "{message:?} should contain {text:?}"
    );
}

#[tokio::test]
async fn the_api_key_is_required_and_checked() {
    let h = Harness::start().await;
    let bare = h.http.get(format!("{}/catalogue", h.running.api_base()));
    assert_eq!(
        Harness::send(bare).await,
        (StatusCode::FORBIDDEN, json!({ "message": "Forbidden" }))
    );
    let wrong = h
        .http
        .get(format!("{}/organisation", h.running.api_base()))
        .header("x-api-key", "nope");
    assert_eq!(Harness::send(wrong).await.0, StatusCode::FORBIDDEN);
    assert_eq!(h.get("/organisation").await.0, StatusCode::OK);
    assert_message(&h.get("/no/such/route").await, 404, "Not Found");
    assert_eq!(h.running.stats().api_calls, 4, "every API call is counted");
}

#[tokio::test]
async fn the_catalogue_pages_and_filters_as_documented() {
    let h = Harness::start().await;
    let (status, first) = h.get("/catalogue?page=1&perPage=50").await;
    assert_eq!(status, StatusCode::OK);
    let rows = first["rows"].as_u64().unwrap();
    assert_eq!(rows, h.running.stats().bundles);
    assert_eq!(first["pageSize"], 50);
    assert_eq!(first["pageCount"].as_u64().unwrap(), rows.div_ceil(50));
    assert_eq!(first["bundles"].as_array().unwrap().len(), 50);
    let last_page = first["pageCount"].as_u64().unwrap();
    let (_, last) = h
        .get(&format!("/catalogue?page={last_page}&perPage=50"))
        .await;
    let on_last = last["bundles"].as_array().unwrap().len() as u64;
    assert_eq!(on_last, rows - (last_page - 1) * 50);
    let (_, beyond) = h
        .get(&format!("/catalogue?page={}&perPage=50", last_page + 1))
        .await;
    assert_eq!(beyond["bundles"], json!([]));
    assert_message(&h.get("/catalogue?perPage=0").await, 400, "perPage");

    let (_, gb) = h.get("/catalogue?countries=GB,JP&perPage=500").await;
    let bundles = gb["bundles"].as_array().unwrap();
    assert!(bundles.iter().all(|b| b["countries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["iso"] == "GB" || c["iso"] == "JP")));
    let doc = bundles
        .iter()
        .find(|b| b["name"] == "esim_1GB_7D_GB_V2")
        .expect("the documented bundle");
    assert_eq!(doc["description"], "eSIM, 1GB, 7 Days, United Kingdom, V2");
    assert_eq!(doc["dataAmount"], 1000);
    assert_eq!(doc["duration"], 7);
    assert_eq!(doc["groups"], json!(["Standard Fixed"]));
    assert_eq!(
        doc["countries"][0],
        json!({ "name": "United Kingdom", "region": "Europe", "iso": "GB" })
    );
    assert!(doc["price"].as_f64().unwrap() > 0.0);

    let (_, unlimited) = h
        .get("/catalogue?group=Standard%20Unlimited%20Lite&region=Asia&perPage=500")
        .await;
    let unlimited = unlimited["bundles"].as_array().unwrap();
    assert!(!unlimited.is_empty());
    assert!(unlimited
        .iter()
        .all(|b| b["unlimited"] == true && b["dataAmount"] == -1));
    let (_, described) = h.get("/catalogue?description=*Japan*").await;
    assert!(described["rows"].as_u64().unwrap() >= 4);

    let (status, detail) = h.get("/catalogue/bundle/esim_1GB_7D_GB_V2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["name"], "esim_1GB_7D_GB_V2");
    assert!(
        detail.get("groups").is_none(),
        "the detail leaves groups out"
    );
    assert_message(
        &h.get("/catalogue/bundle/esim_1gb_7d_gb_v2").await,
        400,
        "Bundle not found",
    );
}

#[tokio::test]
async fn validate_prices_without_charging_and_transaction_charges_every_time() {
    let h = Harness::start().await;
    let before = h.running.stats().balance_cents;
    let item = json!([{ "type": "bundle", "item": "esim_1GB_7D_GB_V2", "quantity": 1, "allowReassign": false }]);
    let (status, valid) = h
        .post("/orders", json!({ "type": "validate", "order": item }))
        .await;
    assert_eq!(status, StatusCode::OK, "{valid}");
    assert_eq!(valid["valid"], true);
    assert_eq!(valid["currency"], "USD");
    assert!(valid.get("orderReference").is_none());
    let price = valid["total"].as_f64().unwrap();
    assert_eq!(h.running.stats().balance_cents, before);
    assert_eq!(h.running.stats().orders_placed, 0);

    let order = h.buy(item.clone()).await;
    assert_eq!(order["status"], "completed");
    assert_eq!(order["statusMessage"], "Order completed: 1 eSIMs assigned");
    assert_eq!(order["assigned"], true);
    assert_eq!(order["total"].as_f64().unwrap(), price);
    let line = &order["order"][0];
    assert_eq!(line["iccids"][0], line["esims"][0]["iccid"]);
    assert_eq!(line["esims"][0]["smdpAddress"], "rsp.esimgo-sandbox.test");
    assert!(line["esims"][0]["matchingId"].as_str().unwrap().len() > 6);
    let cents = (price * 100.0).round() as i64;
    assert_eq!(h.running.stats().balance_cents, before - cents);

    // No idempotency: the same body again is a second order and a second eSIM.
    let again = h.buy(item).await;
    assert_ne!(again["orderReference"], order["orderReference"]);
    let stats = h.running.stats();
    assert_eq!((stats.orders_placed, stats.esims_issued), (2, 2));
}

#[tokio::test]
async fn order_errors_use_the_documented_messages() {
    let h = Harness::start().await;
    let item = json!([{ "type": "bundle", "item": "esim_1GB_7D_GB_V2", "quantity": 1 }]);
    for kind in [json!("buy"), Value::Null] {
        let answer = h
            .post(
                "/orders",
                json!({ "type": kind, "assign": true, "order": item }),
            )
            .await;
        assert_eq!(
            answer,
            (
                StatusCode::BAD_REQUEST,
                json!({ "message": "Invalid Order type" })
            )
        );
    }
    for order in [json!([]), Value::Null] {
        let answer = h
            .post(
                "/orders",
                json!({ "type": "transaction", "assign": true, "order": order }),
            )
            .await;
        assert_eq!(
            answer,
            (
                StatusCode::BAD_REQUEST,
                json!({ "message": "Order must contain Order Items" })
            )
        );
    }
    let not_json = Harness::send(
        h.api(reqwest::Method::POST, "/orders")
            .header(CONTENT_TYPE, "application/json")
            .body("{"),
    )
    .await;
    assert_message(&not_json, 400, "not JSON");
    assert_message(
        &h.post(
            "/orders",
            json!({ "type": "transaction", "assign": false, "order": item }),
        )
        .await,
        400,
        "inventory",
    );
    assert_message(
        &h.post(
            "/orders",
            json!({ "type": "transaction", "assign": true,
                    "order": [{ "type": "bundle", "item": "esim_nope", "quantity": 1 }] }),
        )
        .await,
        400,
        "Bundle not found",
    );

    h.running.set_balance_cents(10);
    assert_eq!(
        h.post(
            "/orders",
            json!({ "type": "transaction", "assign": true, "order": item })
        )
        .await,
        (
            StatusCode::BAD_REQUEST,
            json!({ "message": "Failed to process Order. No payment taken." })
        )
    );
    let (status, low) = h
        .post("/orders", json!({ "type": "validate", "order": item }))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(low["valid"], false);
    assert!(low["statusMessage"].as_str().unwrap().contains("balance"));
    assert_eq!(h.running.stats().orders_placed, 0);
    assert_eq!(h.running.stats().balance_cents, 10);
}

#[tokio::test]
async fn top_ups_need_matching_iccids_and_a_compatible_esim() {
    let h = Harness::start().await;
    let (iccid, _) = h.new_esim("esim_1GB_7D_GB_V2").await;
    let topup = |item: &str, quantity: u64, iccids: Value, reassign: bool| {
        json!({ "type": "transaction", "assign": true, "order": [{
            "type": "bundle", "item": item, "quantity": quantity, "iccids": iccids,
            "allowReassign": reassign }] })
    };
    assert_message(
        &h.post(
            "/orders",
            topup("esim_3GB_30D_GB_V2", 2, json!([iccid]), false),
        )
        .await,
        400,
        "Quantity must match the number of ICCIDs",
    );
    assert_message(
        &h.post(
            "/orders",
            topup("esim_1GB_7D_JP_V2", 1, json!([iccid]), false),
        )
        .await,
        400,
        "not compatible",
    );
    let (status, foreign) = h
        .post(
            "/orders",
            topup(
                "esim_3GB_30D_GB_V2",
                1,
                json!(["8900000000000000000"]),
                false,
            ),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_ne!(
        foreign["message"], "Forbidden",
        "an unknown ICCID is not a bad key"
    );

    let (_, compatible) = h
        .get(&format!("/esims/{iccid}/compatible/esim_5GB_30D_REU_V2"))
        .await;
    assert_eq!(compatible, json!({ "compatible": true }));
    let (_, incompatible) = h
        .get(&format!("/esims/{iccid}/compatible/esim_1GB_7D_JP_V2"))
        .await;
    assert_eq!(incompatible, json!({ "compatible": false }));

    let (status, applied) = h
        .post(
            "/orders",
            topup("esim_3GB_30D_GB_V2", 1, json!([iccid]), false),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(applied["order"][0]["iccids"], json!([iccid]));
    assert_eq!(h.running.stats().esims_issued, 1, "a top-up issues no eSIM");

    // With allowReassign an incompatible bundle goes onto a new eSIM instead.
    let (_, moved) = h
        .post(
            "/orders",
            topup("esim_1GB_7D_JP_V2", 1, json!([iccid]), true),
        )
        .await;
    assert_ne!(moved["order"][0]["iccids"][0], json!(iccid));
    assert_eq!(h.running.stats().esims_issued, 2);
}

#[tokio::test]
async fn orders_are_listed_by_creation_time_with_their_iccids() {
    let h = Harness::start().await;
    let (first_iccid, first) = h.new_esim("esim_1GB_7D_GB_V2").await;
    h.running.advance_clock(3600);
    let (_, second) = h.new_esim("esim_1GB_7D_FR_V2").await;
    let since = second["createdDate"].as_str().unwrap();

    let (status, all) = h.get("/orders?includeIccids=true").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(all["rows"], 2);
    assert_eq!(
        all["orders"][0]["orderReference"], second["orderReference"],
        "newest first"
    );
    assert_eq!(all["orders"][1]["order"][0]["iccids"], json!([first_iccid]));
    assert!(all["orders"][1]["order"][0]["esims"][0]["matchingId"].is_string());

    let (_, recent) = h
        .get(&format!("/orders?createdAt=gte:{since}&includeIccids=true"))
        .await;
    assert_eq!(recent["rows"], 1);
    assert_eq!(
        recent["orders"][0]["orderReference"],
        second["orderReference"]
    );
    let (_, older) = h
        .get(&format!(
            "/orders?createdAt=lte:{}",
            first["createdDate"].as_str().unwrap()
        ))
        .await;
    assert_eq!(older["rows"], 1);
    assert!(older["orders"][0]["order"][0].get("iccids").is_none());
    let (_, paged) = h.get("/orders?page=2&limit=1").await;
    assert_eq!(
        (
            paged["pageCount"].as_u64(),
            paged["orders"].as_array().map(Vec::len)
        ),
        (Some(2), Some(1))
    );
    assert_message(
        &h.get("/orders?createdAt=yesterday").await,
        400,
        "createdAt",
    );
    assert_message(
        &h.get("/orders?createdAt=gte:2024-13-01T00:00:00Z").await,
        400,
        "RFC 3339",
    );

    let (status, one) = h
        .get(&format!(
            "/orders/{}",
            first["orderReference"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["order"][0]["iccids"], json!([first_iccid]));
    assert_message(
        &h.get("/orders/no-such-order").await,
        404,
        "Order not found",
    );
}

#[tokio::test]
async fn assignments_follow_the_accept_header() {
    let h = Harness::start().await;
    let (iccid, order) = h.new_esim("esim_1GB_7D_GB_V2").await;
    let reference = order["orderReference"].as_str().unwrap().to_owned();
    let pair = h
        .buy(json!([{ "type": "bundle", "item": "esim_1GB_7D_DE_V2", "quantity": 2 }]))
        .await;
    let pair_reference = pair["orderReference"].as_str().unwrap().to_owned();
    let fetch = |path: String, accept: Option<&'static str>| {
        let mut request = h.api(reqwest::Method::GET, &path);
        if let Some(accept) = accept {
            request = request.header(ACCEPT, accept);
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default();
            (
                status,
                content_type,
                response.bytes().await.unwrap().to_vec(),
            )
        }
    };

    let (status, content_type, body) = fetch(
        format!("/esims/assignments/{reference}"),
        Some("application/json"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.contains("json"));
    let one: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(one["iccid"], iccid.as_str(), "one eSIM is an object");
    assert_eq!(one["smdpAddress"], "rsp.esimgo-sandbox.test");
    assert_eq!(one["profileStatus"], "Released");

    let (_, _, body) = fetch(
        format!("/esims/assignments?reference={pair_reference}"),
        Some("application/json"),
    )
    .await;
    let many: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        many.as_array().map(Vec::len),
        Some(2),
        "two eSIMs are an array"
    );

    let (_, content_type, body) = fetch(
        format!("/esims/assignments?reference={reference},{pair_reference}"),
        None,
    )
    .await;
    assert!(content_type.starts_with("text/csv"), "CSV is the default");
    let csv = String::from_utf8(body).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "\"ICCID\",\"Matching ID\",\"RSP URL\",\"Bundle\"");
    assert_eq!(lines.len(), 4);
    assert!(lines[1].starts_with(&format!("\"{iccid}\",")));
    assert!(lines[1].ends_with(",\"rsp.esimgo-sandbox.test\",\"esim_1GB_7D_GB_V2\""));

    let (_, content_type, body) = fetch(
        format!("/esims/assignments/{pair_reference}"),
        Some("application/zip"),
    )
    .await;
    assert_eq!(content_type, "application/zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
    assert_eq!(archive.len(), 3, "a CSV and one PNG per eSIM");
    let mut csv = String::new();
    archive
        .by_name("esims.csv")
        .unwrap()
        .read_to_string(&mut csv)
        .unwrap();
    assert_eq!(csv.lines().count(), 3);
    let png_name = archive
        .file_names()
        .find(|n| n.ends_with(".png"))
        .unwrap()
        .to_owned();
    let mut png = Vec::new();
    archive
        .by_name(&png_name)
        .unwrap()
        .read_to_end(&mut png)
        .unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    let (status, _, _) = fetch("/esims/assignments/no-such-order".into(), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = fetch("/esims/assignments".into(), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn late_assignments_answer_503_with_retry_after() {
    let h = Harness::with(EsimGoSandboxConfig {
        clock_speed: 0,
        omit_order_esims: true,
        assignments_ready_after_secs: 30,
        ..EsimGoSandboxConfig::default()
    })
    .await;
    let order = h
        .buy(json!([{ "type": "bundle", "item": "esim_1GB_7D_GB_V2", "quantity": 1 }]))
        .await;
    let line = &order["order"][0];
    assert!(line.get("esims").is_none());
    assert_eq!(line["iccids"].as_array().map(Vec::len), Some(1));
    let reference = order["orderReference"].as_str().unwrap();
    let response = h
        .api(
            reqwest::Method::GET,
            &format!("/esims/assignments/{reference}"),
        )
        .header(ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()[RETRY_AFTER], "5");
    let (_, detail) = h.get(&format!("/orders/{reference}")).await;
    assert!(detail["order"][0].get("esims").is_none());

    h.running.advance_clock(30);
    let (_, detail) = h.get(&format!("/orders/{reference}")).await;
    assert!(detail["order"][0]["esims"][0]["matchingId"].is_string());
    let response = h
        .api(
            reqwest::Method::GET,
            &format!("/esims/assignments/{reference}"),
        )
        .header(ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn esims_can_be_read_and_tagged() {
    let h = Harness::start().await;
    let (iccid, _) = h.new_esim("esim_1GB_7D_GB_V2").await;
    let (status, esim) = h.get(&format!("/esims/{iccid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(esim["profileStatus"], "Released");
    assert_eq!(esim["customerRef"], Value::Null);
    assert_eq!(esim["firstInstalledDateTime"], Value::Null);
    assert_eq!(esim["pin"].as_str().map(str::len), Some(4));

    let (status, _) = Harness::send(
        h.api(reqwest::Method::PUT, "/esims")
            .json(&json!({ "iccid": iccid, "customerRef": "order-42" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, esim) = h.get(&format!("/esims/{iccid}")).await;
    assert_eq!(esim["customerRef"], "order-42");
    let (status, _) = Harness::send(
        h.api(reqwest::Method::PUT, "/esims")
            .json(&json!({ "iccid": "8900000000000000000", "customerRef": "x" })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    h.control(&format!("/_sandbox/esims/{iccid}/install"), json!({}))
        .await;
    let (_, esim) = h.get(&format!("/esims/{iccid}")).await;
    assert_eq!(esim["profileStatus"], "Installed");
    assert!(esim["firstInstalledDateTime"].as_i64().unwrap() > 1_700_000_000_000);
    assert_message(&h.get("/esims/8900000000000000000").await, 403, "ICCID");
}

#[tokio::test]
async fn bundles_process_queue_start_on_first_use_and_run_out() {
    let h = Harness::start().await;
    let (iccid, order) = h.new_esim("esim_1GB_7D_GB_V2").await;
    let reference = order["orderReference"].as_str().unwrap().to_owned();
    let topup = json!([{ "type": "bundle", "item": "esim_3GB_30D_GB_V2", "quantity": 1, "iccids": [iccid] }]);
    h.buy(topup).await;
    let states = |bundles: &Value| -> Vec<String> {
        bundles["bundles"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|b| b["assignments"].as_array().unwrap().clone())
            .map(|a| a["bundleState"].as_str().unwrap().to_owned())
            .collect()
    };
    let path = format!("/esims/{iccid}/bundles?includeUsed=true&limit=200");
    let (_, bundles) = h.get(&path).await;
    assert_eq!(states(&bundles), ["processing", "processing"]);
    let first = &bundles["bundles"][0]["assignments"][0];
    assert_eq!(first["assignmentReference"], reference.as_str());
    assert_eq!(first["initialQuantity"], GB);
    assert_eq!(first["remainingQuantity"], GB);
    assert_eq!(first["callTypeGroup"], "data");

    h.running.advance_clock(5);
    assert_eq!(states(&h.get(&path).await.1), ["queued", "queued"]);

    h.control(
        &format!("/_sandbox/esims/{iccid}/consume"),
        json!({ "bytes": 400_000_000u64 }),
    )
    .await;
    let (_, bundles) = h.get(&path).await;
    assert_eq!(states(&bundles), ["active", "queued"]);
    let active = &bundles["bundles"][0]["assignments"][0];
    assert_eq!(active["remainingQuantity"], 600_000_000u64);
    assert!(active["startTime"].is_string() && active["endTime"].is_string());

    let summary = h
        .control(
            &format!("/_sandbox/esims/{iccid}/consume"),
            json!({ "bytes": 700_000_000u64 }),
        )
        .await;
    assert_eq!(summary["packages"][0]["state"], "Depleted");
    assert_eq!(summary["packages"][0]["used_bytes"], GB);
    assert_eq!(summary["packages"][1]["state"], "Active");
    assert_eq!(summary["packages"][1]["used_bytes"], 100_000_000u64);
    assert_eq!(summary["packages"][1]["limit_bytes"], 3 * GB);

    // Without includeUsed only the current bundles are listed.
    let (_, current) = h.get(&format!("/esims/{iccid}/bundles")).await;
    assert_eq!(states(&current), ["active"]);
    let (_, latest) = h
        .get(&format!("/esims/{iccid}/bundles/esim_3GB_30D_GB_V2"))
        .await;
    assert_eq!(latest["assignments"][0]["bundleState"], "active");
    assert_message(
        &h.get(&format!("/esims/{iccid}/bundles?limit=201")).await,
        400,
        "limit",
    );

    h.running.advance_clock(30 * 86_400);
    assert_eq!(states(&h.get(&path).await.1), ["expired", "expired"]);
}

#[tokio::test]
async fn revoking_refunds_unused_bundles_to_the_balance() {
    let h = Harness::start().await;
    let before = h.running.stats().balance_cents;
    let (iccid, _) = h.new_esim("esim_3GB_30D_DE_V2").await;
    let paid = before - h.running.stats().balance_cents;
    let path = format!("/esims/{iccid}/bundles/esim_3GB_30D_DE_V2");

    let (status, check) = h
        .delete(&format!("{path}?type=validate&refundToBalance=true"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(check["status"].as_str().unwrap().contains("refunded"));
    assert_eq!(
        h.running.stats().balance_cents,
        before - paid,
        "validate changes nothing"
    );

    let (status, done) = h
        .delete(&format!("{path}?type=transaction&refundToBalance=true"))
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "Bundle revoked and refunded to balance");
    assert_eq!(h.running.stats().balance_cents, before);
    let (_, bundles) = h
        .get(&format!("/esims/{iccid}/bundles?includeUsed=true"))
        .await;
    assert_eq!(
        bundles["bundles"][0]["assignments"][0]["bundleState"],
        "revoked"
    );
    assert_message(
        &h.delete(&format!("{path}?refundToBalance=true")).await,
        400,
        "No unused assignment",
    );

    // A started bundle cannot be revoked, by name or by assignment id.
    let (used, _) = h.new_esim("esim_3GB_30D_DE_V2").await;
    h.control(
        &format!("/_sandbox/esims/{used}/consume"),
        json!({ "bytes": 1 }),
    )
    .await;
    let used_path = format!("/esims/{used}/bundles/esim_3GB_30D_DE_V2");
    assert_eq!(h.delete(&used_path).await.0, StatusCode::BAD_REQUEST);
    let (_, listed) = h.get(&format!("/esims/{used}/bundles")).await;
    let id = listed["bundles"][0]["assignments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        h.delete(&format!("{used_path}/assignments/{id}")).await.0,
        StatusCode::BAD_REQUEST
    );

    // Revoking without asking for a refund refunds nothing.
    let (kept, _) = h.new_esim("esim_1GB_7D_DE_V2").await;
    let balance = h.running.stats().balance_cents;
    let (_, listed) = h.get(&format!("/esims/{kept}/bundles")).await;
    let id = listed["bundles"][0]["assignments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, done) = h
        .delete(&format!(
            "/esims/{kept}/bundles/esim_1GB_7D_DE_V2/assignments/{id}"
        ))
        .await;
    assert_eq!(
        (status, done["status"].clone()),
        (StatusCode::OK, json!("Bundle revoked without a refund"))
    );
    assert_eq!(h.running.stats().balance_cents, balance);
    assert_message(
        &h.delete(&format!("{path}?type=later")).await,
        400,
        "Invalid type",
    );
}

#[tokio::test]
async fn traffic_uses_data_on_installed_esims_in_sandbox_time() {
    let h = Harness::with(EsimGoSandboxConfig {
        clock_speed: 0,
        traffic_bytes_per_hour: 100_000_000,
        ..EsimGoSandboxConfig::default()
    })
    .await;
    let (idle, _) = h.new_esim("esim_1GB_7D_GB_V2").await;
    let (phone, _) = h.new_esim("esim_1GB_7D_GB_V2").await;
    h.control(&format!("/_sandbox/esims/{phone}/install"), json!({}))
        .await;
    h.running.advance_clock(3 * 3600);
    let used = h.esim_summary(&phone).await;
    assert_eq!(used["packages"][0]["state"], "Active");
    assert_eq!(used["packages"][0]["used_bytes"], 300_000_000u64);
    let untouched = h.esim_summary(&idle).await;
    assert_eq!(untouched["packages"][0]["used_bytes"], 0);
    assert_eq!(untouched["packages"][0]["state"], "Queued");

    h.running.advance_clock(8 * 3600);
    let done = h.esim_summary(&phone).await;
    assert_eq!(done["packages"][0]["state"], "Depleted");
    assert_eq!(done["packages"][0]["used_bytes"], GB);
}

#[tokio::test]
async fn the_organisation_reports_its_balance() {
    let h = Harness::start().await;
    h.control("/_sandbox/balance", json!({ "balance_cents": 123_456 }))
        .await;
    let (status, org) = h.get("/organisation").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(org["balance"], 1234.56);
    assert_eq!(org["currency"], "USD");
}

#[tokio::test]
async fn the_control_api_drives_faults_time_and_stats() {
    let h = Harness::start().await;
    let (status, plan) = Harness::send(
        h.http
            .post(h.running.url("/_sandbox/faults"))
            .json(&json!({ "fail_next": 1, "status": 503 })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    let response = h
        .api(reqwest::Method::GET, "/organisation")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()[RETRY_AFTER], "5");
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("Processing"));
    assert_eq!(h.get("/organisation").await.0, StatusCode::OK);

    h.control("/_sandbox/faults", json!({ "fail_next": 1, "status": 500 }))
        .await;
    let (status, body) = h.get("/organisation").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body["message"].is_string());

    h.control("/_sandbox/faults", json!({ "malformed_next": 1 }))
        .await;
    let text = h
        .api(reqwest::Method::GET, "/catalogue")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    let (status, _) = Harness::send(h.http.delete(h.running.url("/_sandbox/faults"))).await;
    assert_eq!(status, StatusCode::OK);

    let expired = h.control("/_sandbox/tokens/expire", json!({})).await;
    assert_eq!(expired["expired"], 0, "a static API key has no tokens");

    let (_, before) = Harness::send(h.http.get(h.running.url("/_sandbox/clock"))).await;
    let moved = h
        .control("/_sandbox/clock/advance", json!({ "seconds": 86_400 }))
        .await;
    assert_eq!(
        moved["unix_ms"].as_i64().unwrap() - before["unix_ms"].as_i64().unwrap(),
        86_400_000
    );
    let (status, _) = Harness::send(
        h.http
            .post(h.running.url("/_sandbox/clock/advance"))
            .json(&json!({ "seconds": -1 })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    h.new_esim("esim_1GB_7D_GB_V2").await;
    let (_, stats) = Harness::send(h.http.get(h.running.url("/_sandbox/stats"))).await;
    assert_eq!(stats["orders_placed"], 1);
    assert_eq!(stats["esims_issued"], 1);
    assert_eq!(stats["api_calls"], h.running.stats().api_calls);
    assert!(stats["now"].as_str().unwrap().ends_with('Z'));
    let (status, _) = Harness::send(
        h.http
            .get(h.running.url("/_sandbox/esims/8900000000000000000")),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
