//! The Truphone sandbox driven over real HTTP with plain reqwest: tokens, the catalogue, order
//! validation and the asynchronous order state machine, SIMs, subscriptions and the history,
//! and the `/_sandbox/` control API.

mod support {
    use reqwest::StatusCode;
    use sandbox::truphone::{
        RunningTruphoneSandbox, TruphoneSandbox, TruphoneSandboxConfig, SANDBOX_CLIENT_ID,
        SANDBOX_CLIENT_SECRET,
    };
    use serde_json::{json, Value};

    pub const GIB: u64 = 1 << 30;

    /// A running sandbox and a token; the clock stands still unless the config says otherwise.
    pub struct Harness {
        pub running: RunningTruphoneSandbox,
        pub http: reqwest::Client,
        pub token: String,
    }

    pub fn frozen() -> TruphoneSandboxConfig {
        TruphoneSandboxConfig {
            clock_speed: 0,
            ..TruphoneSandboxConfig::default()
        }
    }

    impl Harness {
        pub async fn start() -> Self {
            Self::with(frozen()).await
        }

        pub async fn with(config: TruphoneSandboxConfig) -> Self {
            let running = TruphoneSandbox::spawn(config)
                .await
                .expect("sandbox starts");
            let mut harness = Self {
                running,
                http: reqwest::Client::new(),
                token: String::new(),
            };
            let (status, grant) = harness
                .token_request(&[("grant_type", "client_credentials")])
                .await;
            assert_eq!(status, StatusCode::OK, "{grant}");
            harness.token = grant["access_token"].as_str().expect("token").to_owned();
            harness
        }

        /// A new token, e.g. after the clock moved past the old one's life.
        pub async fn reauthenticate(&mut self) {
            let (status, grant) = self
                .token_request(&[("grant_type", "client_credentials")])
                .await;
            assert_eq!(status, StatusCode::OK, "{grant}");
            self.token = grant["access_token"].as_str().expect("token").to_owned();
        }

        /// A form POST to the token endpoint with the sandbox credentials added.
        pub async fn token_request(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
            let mut form = form.to_vec();
            form.push(("client_id", SANDBOX_CLIENT_ID));
            form.push(("client_secret", SANDBOX_CLIENT_SECRET));
            self.send(self.http.post(self.running.token_url()).form(&form))
                .await
        }

        pub async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
            let response = request.send().await.expect("the sandbox answers");
            let status = response.status();
            let text = response.text().await.expect("a body");
            let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
            (status, body)
        }

        /// An API request with the token and a correlation id.
        pub fn api(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
            self.http
                .request(method, self.running.url(&format!("/esim/v1{path}")))
                .bearer_auth(&self.token)
                .header("X-Correlation-ID", "test-1")
        }

        pub async fn get(&self, path: &str) -> (StatusCode, Value) {
            self.send(self.api(reqwest::Method::GET, path)).await
        }

        pub async fn post_order(&self, input: Value) -> (StatusCode, Value) {
            self.send(
                self.api(reqwest::Method::POST, "/order")
                    .json(&json!({ "input": input })),
            )
            .await
        }

        pub async fn control(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
            let response = self
                .http
                .request(method, self.running.url(&format!("/_sandbox/{path}")))
                .json(&body)
                .send()
                .await
                .expect("the control API answers");
            assert!(
                response.status().is_success(),
                "{path}: {}",
                response.status()
            );
            response.json().await.expect("JSON")
        }

        /// The id of a product covering exactly `country`, with `gb` gigabytes.
        pub async fn product(&self, country: &str, gb: u64) -> String {
            let (_, products) = self.get("/products?currency=USD").await;
            products
                .as_array()
                .expect("a list")
                .iter()
                .find(|p| p["footprint"] == json!([country]) && p["data"]["value"] == gb)
                .and_then(|p| p["id"].as_str())
                .expect("the plan exists")
                .to_owned()
        }

        /// Places an order and polls it to the end; answers the final order.
        pub async fn complete(&self, input: Value) -> Value {
            let (status, created) = self.post_order(input).await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
            let id = created["externalId"].as_str().expect("an id").to_owned();
            for _ in 0..5 {
                let (status, order) = self.get(&format!("/order/{id}")).await;
                assert_eq!(status, StatusCode::OK, "{order}");
                if order["status"] == "COMPLETED" || order["status"] == "FAILED" {
                    return order;
                }
            }
            panic!("order {id} never finished");
        }

        /// A completed NEW_ESIM for `email`; answers the order output.
        pub async fn new_esim(&self, email: &str, device: &str, product: &str) -> Value {
            let order = self.complete(new_esim_input(email, device, product)).await;
            assert_eq!(order["status"], "COMPLETED", "{order}");
            order["output"].clone()
        }
    }

    pub fn new_esim_input(email: &str, device: &str, product: &str) -> Value {
        json!({
            "operationType": "NEW_ESIM",
            "countryCode": "JP",
            "customer": { "email": email },
            "device": { "id": device, "type": "ios", "model": "iPhone" },
            "subscriptions": [{ "id": product }]
        })
    }

    pub fn topup_input(email: Option<&str>, iccid: &str, product: &str) -> Value {
        let mut input = json!({
            "operationType": "TOPUP",
            "countryCode": "JP",
            "device": { "id": "topup-device", "type": "android" },
            "subscriptions": [{ "id": product }],
            "esim": { "iccid": iccid }
        });
        if let Some(email) = email {
            input["customer"] = json!({ "email": email });
        }
        input
    }

    /// Asserts a Truphone error body.
    pub fn assert_error(answer: &(StatusCode, Value), status: u16, code: &str) {
        assert_eq!(answer.0.as_u16(), status, "{}", answer.1);
        assert_eq!(answer.1["type"], code, "{}", answer.1);
        assert!(
            !answer.1["messages"]
                .as_array()
                .expect("messages")
                .is_empty(),
            "{}",
            answer.1
        );
    }
}

mod auth {
    use super::support::{assert_error, frozen, Harness};
    use reqwest::StatusCode;
    use sandbox::truphone::TruphoneSandboxConfig;

    #[tokio::test]
    async fn client_credentials_get_a_keycloak_shaped_pair() {
        let h = Harness::start().await;
        let (status, grant) = h
            .token_request(&[("grant_type", "client_credentials")])
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(grant["expires_in"], 300);
        assert_eq!(grant["refresh_expires_in"], 1800);
        assert_eq!(grant["token_type"], "Bearer");
        assert!(grant["access_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        let refresh = grant["refresh_token"].as_str().unwrap();

        let (status, renewed) = h
            .token_request(&[("grant_type", "refresh_token"), ("refresh_token", refresh)])
            .await;
        assert_eq!(status, StatusCode::OK, "{renewed}");
        assert_ne!(renewed["access_token"], grant["access_token"]);
        let (status, reused) = h
            .token_request(&[("grant_type", "refresh_token"), ("refresh_token", refresh)])
            .await;
        assert_eq!(
            (status, &reused["error"]),
            (StatusCode::BAD_REQUEST, &"invalid_grant".into())
        );
        let stats = h.running.stats();
        assert_eq!(
            (
                stats.token_requests,
                stats.tokens_issued,
                stats.refresh_grants
            ),
            (4, 3, 1)
        );
    }

    #[tokio::test]
    async fn bad_token_requests_are_refused_in_keycloak_terms() {
        let h = Harness::start().await;
        let url = h.running.token_url();
        let (status, body) = h
            .send(h.http.post(&url).form(&[
                ("grant_type", "client_credentials"),
                ("client_id", "tern-sandbox"),
                ("client_secret", "wrong"),
            ]))
            .await;
        assert_eq!(
            (status, &body["error"]),
            (StatusCode::UNAUTHORIZED, &"invalid_client".into())
        );
        let (status, body) = h.token_request(&[]).await;
        assert_eq!(
            (status, &body["error"]),
            (StatusCode::BAD_REQUEST, &"invalid_request".into())
        );
        let (status, body) = h.token_request(&[("grant_type", "password")]).await;
        assert_eq!(
            (status, &body["error"]),
            (StatusCode::BAD_REQUEST, &"unsupported_grant_type".into())
        );
    }

    #[tokio::test]
    async fn api_calls_need_a_live_bearer_token_and_a_correlation_id() {
        let h = Harness::start().await;
        let url = h.running.url("/esim/v1/products");
        let no_token = h
            .send(h.http.get(&url).header("X-Correlation-ID", "c"))
            .await;
        assert_error(&no_token, 401, "UNAUTHORISED");
        let bad_token = h
            .send(
                h.http
                    .get(&url)
                    .bearer_auth("nope")
                    .header("X-Correlation-ID", "c"),
            )
            .await;
        assert_error(&bad_token, 401, "UNAUTHORISED");
        let no_correlation = h.send(h.http.get(&url).bearer_auth(&h.token)).await;
        assert_error(&no_correlation, 400, "INVALID_REQUEST_PARAMS");
        assert_eq!(h.get("/products").await.0, StatusCode::OK);
        assert!(h.running.correlation_ids().contains(&"test-1".to_owned()));
    }

    #[tokio::test]
    async fn tokens_die_after_their_ttl_of_sandbox_time() {
        let h = Harness::with(TruphoneSandboxConfig {
            token_ttl_secs: 60,
            ..frozen()
        })
        .await;
        assert_eq!(h.get("/products").await.0, StatusCode::OK);
        h.running.advance_clock(59);
        assert_eq!(h.get("/products").await.0, StatusCode::OK);
        h.running.advance_clock(1);
        assert_error(&h.get("/products").await, 401, "UNAUTHORISED");
    }

    #[tokio::test]
    async fn expiring_tokens_over_http_kills_access_and_refresh_tokens() {
        let h = Harness::start().await;
        let (_, grant) = h
            .token_request(&[("grant_type", "client_credentials")])
            .await;
        let refresh = grant["refresh_token"].as_str().unwrap().to_owned();
        let expired = h
            .control(
                reqwest::Method::POST,
                "tokens/expire",
                serde_json::json!({}),
            )
            .await;
        assert_eq!(expired["expired"], 4, "two access and two refresh tokens");
        assert_error(&h.get("/products").await, 401, "UNAUTHORISED");
        let (status, _) = h
            .token_request(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
}

mod catalogue {
    use super::support::{assert_error, Harness};
    use reqwest::StatusCode;
    use serde_json::json;

    #[tokio::test]
    async fn the_whole_catalogue_in_the_asked_currency_on_both_bases() {
        let h = Harness::start().await;
        let (status, eur) = h.get("/products").await;
        assert_eq!(status, StatusCode::OK);
        let eur = eur.as_array().unwrap().clone();
        assert_eq!(eur.len() as u64, h.running.stats().products);
        assert!(
            eur.iter().all(|p| p["pricing"]["EUR"].is_number()),
            "EUR by default"
        );
        let (_, usd) = h.get("/products?currency=USD").await;
        let (_, target) = h.get("/products?targetCurrency=USD").await;
        assert_eq!(usd, target);
        let first = &usd[0];
        for field in [
            "id",
            "name",
            "period",
            "period_unit",
            "data",
            "footprint",
            "activeCountries",
        ] {
            assert!(!first[field].is_null(), "{field} in {first}");
        }
        assert_eq!(first["activeCountries"], json!(["ALL"]));
        assert!(first["pricing"]["USD"].as_f64().unwrap() > first_eur(&eur, &first["id"]));

        let (status, same) = h
            .send(
                h.http
                    .get(h.running.url("/connect-api/v1/products?currency=USD"))
                    .bearer_auth(&h.token)
                    .header("X-Correlation-ID", "c"),
            )
            .await;
        assert_eq!((status, &same), (StatusCode::OK, &usd));
        assert_error(
            &h.get("/products?currency=JPY").await,
            400,
            "INVALID_REQUEST_PARAMS",
        );
    }

    fn first_eur(eur: &[serde_json::Value], id: &serde_json::Value) -> f64 {
        eur.iter()
            .find(|p| &p["id"] == id)
            .and_then(|p| p["pricing"]["EUR"].as_f64())
            .unwrap()
    }

    #[tokio::test]
    async fn product_detail_and_unknown_ids() {
        let h = Harness::start().await;
        let id = h.product("JP", 3).await;
        let (status, product) = h.get(&format!("/products/{id}?currency=USD")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(product["data"], json!({ "value": 3, "unit": "GB" }));
        assert_eq!(product["period"], 30);
        assert_error(&h.get("/products/a3mNOPE").await, 404, "PRODUCT_NOT_FOUND");
    }
}

mod orders {
    use super::support::{assert_error, new_esim_input, topup_input, Harness};
    use reqwest::StatusCode;
    use sandbox::truphone::TruphoneSandboxConfig;
    use serde_json::json;

    #[tokio::test]
    async fn an_order_goes_accepted_fulfilling_completed_over_polls() {
        let h = Harness::start().await;
        let product = h.product("JP", 1).await;
        let (status, created) = h
            .post_order(new_esim_input("a@b.example", "d-1", &product))
            .await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(created["status"], "ACCEPTED");
        assert_eq!(created["id"], created["externalId"]);
        let id = created["id"].as_str().unwrap();
        let mut statuses = Vec::new();
        let mut last = json!(null);
        for _ in 0..4 {
            let (_, order) = h.get(&format!("/order/{id}")).await;
            statuses.push(order["status"].as_str().unwrap().to_owned());
            if order["status"] != "COMPLETED" {
                assert!(
                    order["output"].is_null(),
                    "output only when COMPLETED: {order}"
                );
            }
            last = order;
        }
        assert_eq!(
            statuses,
            ["ACCEPTED", "FULFILLING", "COMPLETED", "COMPLETED"]
        );
        let output = &last["output"];
        let (iccid, matching) = (
            output["iccid"].as_str().unwrap(),
            output["matchingId"].as_str().unwrap(),
        );
        assert!(iccid.starts_with("89") && iccid.len() == 20);
        assert_eq!(output["smdpUrl"], "rsp.truphone.com");
        assert_eq!(
            output["lpa_url"],
            format!("LPA:1$rsp.truphone.com${matching}")
        );
        assert!(output["subscription_id"].is_string());
        let stats = h.running.stats();
        assert_eq!((stats.orders_placed, stats.esims_issued), (1, 1));
    }

    #[tokio::test]
    async fn sandbox_time_completes_orders_without_polls() {
        let h = Harness::start().await;
        let product = h.product("JP", 1).await;
        let (_, created) = h
            .post_order(new_esim_input("a@b.example", "d-1", &product))
            .await;
        h.running.advance_clock(3);
        let (_, order) = h
            .get(&format!("/order/{}", created["id"].as_str().unwrap()))
            .await;
        assert_eq!(order["status"], "COMPLETED");
    }

    #[tokio::test]
    async fn armed_failures_end_orders_failed_without_an_esim() {
        let h = Harness::with(TruphoneSandboxConfig {
            fail_orders: 1,
            ..super::support::frozen()
        })
        .await;
        let product = h.product("JP", 1).await;
        let failed = h
            .complete(new_esim_input("a@b.example", "d-1", &product))
            .await;
        assert_eq!(failed["status"], "FAILED");
        assert!(failed["output"].is_null());
        let next = h
            .complete(new_esim_input("a@b.example", "d-2", &product))
            .await;
        assert_eq!(next["status"], "COMPLETED", "only the next one was armed");
        h.control(reqwest::Method::POST, "orders/fail", json!({ "count": 1 }))
            .await;
        let failed = h
            .complete(new_esim_input("a@b.example", "d-3", &product))
            .await;
        assert_eq!(failed["status"], "FAILED");
        assert_eq!(h.running.stats().esims_issued, 1);
        assert_error(&h.get("/order/no-such-order").await, 404, "ORDER_NOT_FOUND");
    }

    #[tokio::test]
    async fn each_post_is_a_new_order() {
        let h = Harness::start().await;
        let product = h.product("JP", 1).await;
        let input = new_esim_input("a@b.example", "same-device", &product);
        let (_, first) = h.post_order(input.clone()).await;
        let (_, second) = h.post_order(input).await;
        assert_ne!(first["id"], second["id"]);
        assert_eq!(h.running.stats().orders_placed, 2);
    }

    #[tokio::test]
    async fn the_seed_rules_refuse_bad_orders() {
        let h = Harness::start().await;
        let product = h.product("JP", 1).await;
        let base = new_esim_input("a@b.example", "d-1", &product);
        // The seed example with one field (a path of keys and array indexes) replaced.
        let with = |path: &[&str], value: serde_json::Value| {
            let mut input = base.clone();
            let mut slot = &mut input;
            for key in path {
                slot = match key.parse::<usize>() {
                    Ok(i) => &mut slot[i],
                    Err(_) => &mut slot[*key],
                };
            }
            *slot = value;
            input
        };
        let refused = [
            with(
                &["subscriptions", "0", "activationDate"],
                json!("2001-01-01T00:00:00Z"),
            ),
            with(&["subscriptions", "0", "price"], json!(10)),
            with(&["subscriptions", "0", "currency"], json!("USD")),
            with(&["device", "type"], json!("windows")),
            with(&["customer", "email"], json!("nobody")),
            with(&["countryCode"], json!("XZ")),
            with(&["operationType"], json!("BULK_ACTIVATION")),
            with(&["subscriptions"], json!([])),
        ];
        for input in refused {
            assert_error(
                &h.post_order(input.clone()).await,
                400,
                "INVALID_REQUEST_PARAMS",
            );
        }
        let bad_date = with(
            &["subscriptions", "0", "activationDate"],
            json!("13/09/2019"),
        );
        assert_error(&h.post_order(bad_date).await, 400, "INVALID_HTTP_MESSAGE");
        let unparsable = h
            .send(h.api(reqwest::Method::POST, "/order").body("{\"input\": "))
            .await;
        assert_error(&unparsable, 400, "INVALID_HTTP_MESSAGE");
        let unknown = with(&["subscriptions", "0", "id"], json!("a3mNOPE"));
        assert_error(&h.post_order(unknown).await, 422, "PRODUCT_NOT_FOUND");
        assert_eq!(h.running.stats().orders_placed, 0);

        // A future activation date and a matching price are fine; so are the later field names.
        let future = with(
            &["subscriptions", "0"],
            json!({
                "product_id": product, "activationDate": "2099-01-01T00:00:00Z",
                "price": 4.5, "currency": "EUR"
            }),
        );
        assert_eq!(h.post_order(future).await.0, StatusCode::CREATED);
        let allowance = with(&["subscriptions", "0"], json!({ "allowanceId": product }));
        assert_eq!(h.post_order(allowance).await.0, StatusCode::CREATED);
    }

    #[tokio::test]
    async fn top_ups_need_the_owner_and_land_on_the_same_sim() {
        let h = Harness::start().await;
        let product = h.product("JP", 1).await;
        let owner = h.new_esim("owner@b.example", "d-1", &product).await;
        let iccid = owner["iccid"].as_str().unwrap();
        h.new_esim("other@b.example", "d-2", &product).await;

        assert_error(
            &h.post_order(topup_input(Some("ghost@b.example"), iccid, &product))
                .await,
            422,
            "CUSTOMER_MUST_EXIST",
        );
        assert_error(
            &h.post_order(topup_input(Some("other@b.example"), iccid, &product))
                .await,
            422,
            "EMAIL_AND_ICCID_DO_NOT_MATCH",
        );
        assert_error(
            &h.post_order(topup_input(None, "89000000000000000001", &product))
                .await,
            404,
            "SIM_NOT_FOUND",
        );
        let mut iot = topup_input(Some("owner@b.example"), iccid, &product);
        iot["device"]["type"] = json!("iot");
        assert_error(&h.post_order(iot).await, 400, "INVALID_REQUEST_PARAMS");

        let done = h
            .complete(topup_input(Some("OWNER@b.example"), iccid, &product))
            .await;
        assert_eq!(done["status"], "COMPLETED");
        assert_eq!(done["output"]["iccid"], iccid);
        assert!(
            done["output"]["matchingId"].is_null(),
            "a top-up installs nothing"
        );
        // The later docs' form: no customer, and the deprecated operation name.
        let mut later = topup_input(None, iccid, &product);
        later["operationType"] = json!("TOPUP_ACTIVATION");
        assert_eq!(h.complete(later).await["status"], "COMPLETED");
        let (_, subs) = h.get(&format!("/sim/{iccid}/subscriptions")).await;
        assert_eq!(subs.as_array().unwrap().len(), 3);
        assert_eq!(h.running.stats().esims_issued, 2);
    }

    #[tokio::test]
    async fn a_sim_holds_at_most_fifteen_live_subscriptions() {
        let h = Harness::start().await;
        let product = h.product("JP", 1).await;
        let owner = h.new_esim("owner@b.example", "d-1", &product).await;
        let iccid = owner["iccid"].as_str().unwrap();
        let mut topup = topup_input(Some("owner@b.example"), iccid, &product);
        topup["subscriptions"] = json!(vec![json!({ "id": product }); 14]);
        assert_eq!(h.post_order(topup.clone()).await.0, StatusCode::CREATED);
        topup["subscriptions"] = json!([{ "id": product }]);
        assert_error(&h.post_order(topup).await, 422, "INVALID_REQUEST_PARAMS");
    }
}

mod care {
    use super::support::{assert_error, topup_input, Harness, GIB};
    use reqwest::StatusCode;
    use sandbox::truphone::TruphoneSandboxConfig;
    use serde_json::json;

    async fn subs(h: &Harness, iccid: &str) -> serde_json::Value {
        h.get(&format!("/sim/{iccid}/subscriptions")).await.1
    }

    #[tokio::test]
    async fn the_sim_and_its_subscriptions_follow_the_device() {
        let mut h = Harness::start().await;
        let product = h.product("JP", 1).await;
        let output = h.new_esim("a@b.example", "d-1", &product).await;
        let iccid = output["iccid"].as_str().unwrap();
        let (status, sim) = h.get(&format!("/sim/{iccid}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(sim["profileStatus"], "Released");
        assert_eq!(sim["matchingId"], output["matchingId"]);
        assert_eq!(sim["matching_id"], output["matchingId"]);
        assert_eq!(sim["lpa_url"], output["lpa_url"]);

        let pending = subs(&h, iccid).await;
        assert_eq!(pending[0]["status"], "PENDING");
        assert_eq!(pending[0]["initialBalance"], (GIB).to_string());
        assert_eq!(pending[0]["spentBalance"], "0");
        assert!(pending[0]["activationDate"].is_null());
        assert!(pending[0]["order_id"].is_string(), "the assumed order id");
        assert_eq!(pending[0]["device_id"], "d-1");

        h.running.consume(iccid, 300 << 20).unwrap();
        let active = subs(&h, iccid).await;
        assert_eq!(active[0]["status"], "ACTIVE");
        assert_eq!(active[0]["spentBalance"], (300u64 << 20).to_string());
        assert!(active[0]["expirationDate"].is_string());
        assert_eq!(
            h.get(&format!("/sim/{iccid}")).await.1["profileStatus"],
            "Installed"
        );

        h.complete(topup_input(Some("a@b.example"), iccid, &product))
            .await;
        h.running.consume(iccid, GIB).unwrap();
        let after = subs(&h, iccid).await;
        assert_eq!(after[0]["status"], "DEPLETED");
        assert_eq!(after[1]["status"], "ACTIVE", "the queued top-up took over");
        assert_eq!(after[1]["spentBalance"], (300u64 << 20).to_string());

        h.running.advance_clock(7 * 86_400);
        assert_error(&h.get("/products").await, 401, "UNAUTHORISED");
        h.reauthenticate().await;
        assert_eq!(subs(&h, iccid).await[1]["status"], "EXPIRED");
        assert_error(
            &h.get("/sim/89000000000000000001").await,
            404,
            "SIM_NOT_FOUND",
        );
        assert_error(
            &h.get("/sim/89000000000000000001/subscriptions").await,
            404,
            "SIM_NOT_FOUND",
        );
    }

    #[tokio::test]
    async fn the_history_filters_and_pages_with_link_headers() {
        let h = Harness::start().await;
        let one = h.product("JP", 1).await;
        let three = h.product("JP", 3).await;
        for n in 0..3 {
            h.new_esim("p@b.example", &format!("d-{n}"), &one).await;
        }
        h.new_esim("p@b.example", "d-3", &three).await;
        h.new_esim("q@b.example", "d-4", &one).await;

        let (_, mine) = h.get("/subscription?email=p@b.example").await;
        assert_eq!(mine.as_array().unwrap().len(), 4);
        let (_, by_product) = h
            .get(&format!(
                "/subscription?email=p@b.example&product-id={three}"
            ))
            .await;
        assert_eq!(by_product[0]["device_id"], "d-3");
        let (_, later) = h.get("/subscription?after=2999-01-01T00:00:00Z").await;
        assert_eq!(later, json!([]));
        let (_, earlier) = h.get("/subscription?before=2999-01-01T00:00:00Z").await;
        assert_eq!(earlier.as_array().unwrap().len(), 5);
        assert_error(
            &h.get("/subscription?after=yesterday").await,
            400,
            "INVALID_REQUEST_PARAMS",
        );

        let response = h
            .api(
                reqwest::Method::GET,
                "/subscription?email=p@b.example&size=3",
            )
            .send()
            .await
            .unwrap();
        let next = response.headers()["x-next-page"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(response.headers().get("x-previous-page").is_none());
        let first: serde_json::Value = response.json().await.unwrap();
        assert_eq!(first.as_array().unwrap().len(), 3);
        assert!(
            next.starts_with(&h.running.url("/esim/v1/subscription?")),
            "{next}"
        );
        assert!(next.contains("page=1") && next.contains("size=3"), "{next}");
        let response = h
            .http
            .get(&next)
            .bearer_auth(&h.token)
            .header("X-Correlation-ID", "c")
            .send()
            .await
            .unwrap();
        assert!(response.headers().get("x-next-page").is_none());
        assert!(response.headers().get("x-previous-page").is_some());
        let second: serde_json::Value = response.json().await.unwrap();
        assert_eq!(second.as_array().unwrap().len(), 1);
        assert_eq!(second[0]["device_id"], "d-3");

        let id = second[0]["id"].as_str().unwrap();
        let (status, one_sub) = h.get(&format!("/subscription/{id}")).await;
        assert_eq!((status, &one_sub), (StatusCode::OK, &second[0]));
        assert_error(
            &h.get("/subscription/nope").await,
            404,
            "SUBSCRIPTION_NOT_FOUND",
        );
    }

    #[tokio::test]
    async fn simulated_traffic_uses_data_on_connected_sims() {
        let h = Harness::with(TruphoneSandboxConfig {
            traffic_bytes_per_hour: 100 << 20,
            ..super::support::frozen()
        })
        .await;
        let product = h.product("JP", 1).await;
        let output = h.new_esim("a@b.example", "d-1", &product).await;
        let iccid = output["iccid"].as_str().unwrap();
        h.running.advance_clock(3_600);
        assert_eq!(
            h.running.esim(iccid).unwrap()["packages"][0]["used_bytes"],
            0
        );
        h.running.consume(iccid, 0).unwrap();
        h.running.advance_clock(7_200);
        assert_eq!(
            h.running.esim(iccid).unwrap()["packages"][0]["used_bytes"],
            200u64 << 20
        );
    }

    #[tokio::test]
    async fn v1_has_no_cancel_or_terminate() {
        let h = Harness::start().await;
        let product = h.product("JP", 1).await;
        let output = h.new_esim("a@b.example", "d-1", &product).await;
        let iccid = output["iccid"].as_str().unwrap();
        let delete = h
            .send(h.api(reqwest::Method::DELETE, &format!("/sim/{iccid}")))
            .await;
        assert_eq!(delete.0, StatusCode::METHOD_NOT_ALLOWED);
        let cancel = h
            .send(h.api(reqwest::Method::POST, &format!("/sim/{iccid}/cancel")))
            .await;
        assert_error(&cancel, 404, "RESOURCE_NOT_FOUND");
    }
}

mod control {
    use super::support::{assert_error, Harness, GIB};
    use reqwest::Method;
    use serde_json::json;

    #[tokio::test]
    async fn faults_are_armed_and_cleared_over_http() {
        let h = Harness::start().await;
        h.control(
            Method::POST,
            "faults",
            json!({ "fail_next": 1, "status": 500 }),
        )
        .await;
        assert_error(&h.get("/products").await, 500, "INTERNAL_ERROR");
        assert_eq!(h.get("/products").await.0, 200);

        h.control(Method::POST, "faults", json!({ "malformed_next": 1 }))
            .await;
        let (status, body) = h.get("/products").await;
        assert_eq!(status, 200);
        assert!(body.is_string(), "not JSON: {body}");

        h.control(Method::POST, "faults", json!({ "fail_next": 5 }))
            .await;
        h.control(Method::DELETE, "faults", json!({})).await;
        assert_eq!(h.get("/products").await.0, 200);
        let stats = h.control(Method::GET, "stats", json!({})).await;
        assert_eq!(stats["api_calls"], 4);
        assert_eq!(stats["token_requests"], 1);
    }

    #[tokio::test]
    async fn the_device_clock_and_counters_are_driven_over_http() {
        let h = Harness::start().await;
        let product = h.product("JP", 1).await;
        let output = h.new_esim("a@b.example", "d-1", &product).await;
        let iccid = output["iccid"].as_str().unwrap();

        let used = h
            .control(
                Method::POST,
                &format!("esims/{iccid}/consume"),
                json!({ "bytes": 1024 }),
            )
            .await;
        assert_eq!(used["packages"][0]["used_bytes"], 1024);
        assert_eq!(used["packages"][0]["limit_bytes"], GIB);
        assert_eq!(used["packages"][0]["status"], "ACTIVE");
        assert_eq!(used["profile_status"], "Installed");

        let deleted = h
            .control(
                Method::POST,
                &format!("esims/{iccid}/profile"),
                json!({ "status": "Unavailable" }),
            )
            .await;
        assert_eq!(deleted["profile_status"], "Unavailable");
        assert!(
            h.running.consume(iccid, 1).is_err(),
            "a deleted profile uses no data"
        );

        let before = h.control(Method::GET, "clock", json!({})).await["unix"]
            .as_i64()
            .unwrap();
        let after = h
            .control(Method::POST, "clock/advance", json!({ "seconds": 86_400 }))
            .await;
        assert_eq!(after["unix"].as_i64().unwrap(), before + 86_400);

        let stats = h.control(Method::GET, "stats", json!({})).await;
        assert_eq!(stats["orders_placed"], 1);
        assert_eq!(stats["esims_issued"], 1);
        assert_eq!(stats["subscriptions"], 1);
        let seen = h.control(Method::GET, "correlation-ids", json!({})).await;
        assert!(seen.as_array().unwrap().iter().all(|id| id == "test-1"));

        let missing = h
            .http
            .get(h.running.url("/_sandbox/esims/89000000000000000001"))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 404);
    }
}
