//! The FMS sandbox driven over plain HTTP: users and tokens, the token-free catalogue,
//! pre-orders, the payment webhook's codes and exactly-once rules, the payment window, the
//! profile pool, usage, and the control API.

use reqwest::StatusCode;
use sandbox::fms::{FmsSandbox, FmsSandboxConfig, RunningFmsSandbox, SANDBOX_PARTNER_CODE};
use serde_json::{json, Value};

const PASSWD: &str = "0123456789abcdef0123456789abcdef";
const OTHER_PASSWD: &str = "fedcba9876543210fedcba9876543210";
const EMAIL: &str = "alice@example.com";
const MIB: u64 = 1 << 20;

/// A running sandbox (its clock frozen unless configured) and a plain HTTP client.
struct Fms {
    running: RunningFmsSandbox,
    http: reqwest::Client,
}

impl Fms {
    async fn start() -> Self {
        Self::with(FmsSandboxConfig {
            clock_speed: 0,
            ..FmsSandboxConfig::default()
        })
        .await
    }

    async fn with(config: FmsSandboxConfig) -> Self {
        Self {
            running: FmsSandbox::spawn(config).await.expect("sandbox starts"),
            http: reqwest::Client::new(),
        }
    }

    /// Sends and returns the HTTP status, the token header and the JSON body.
    async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Option<String>, Value) {
        let response = request.send().await.expect("the sandbox answers");
        let status = response.status();
        let token = response
            .headers()
            .get("x-access-token")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, token, body)
    }

    /// An FMS call: always HTTP 200 with the envelope.
    async fn call(&self, path: &str, token: Option<&str>, body: Value) -> Value {
        let mut request = self.http.post(self.running.url(path)).json(&body);
        if let Some(token) = token {
            request = request.header("x-access-token", token);
        }
        let (status, _, body) = self.send(request).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert!(body["code"].is_i64(), "{path}: {body}");
        body
    }

    async fn register(&self, email: &str) -> String {
        let body = self
            .call(
                "/fms/user/emailRegister",
                None,
                json!({ "appId": 10, "email": email, "partnerCode": SANDBOX_PARTNER_CODE,
                        "passwd": PASSWD, "userType": 4, "verifyCode": 3206 }),
            )
            .await;
        assert_eq!(body["code"], 0, "{body}");
        body["data"]["token"].as_str().unwrap().to_owned()
    }

    async fn login(&self, email: &str, passwd: &str) -> Value {
        self.call(
            "/fms/user/emailLogin",
            None,
            json!({ "appId": 10, "email": email, "partnerCode": SANDBOX_PARTNER_CODE,
                    "passwd": passwd, "userType": 4 }),
        )
        .await
    }

    async fn detail(&self, id: u64) -> Value {
        let (_, _, body) = self
            .send(
                self.http.get(
                    self.running
                        .url(&format!("/fms/v1.1/package/detail?id={id}")),
                ),
            )
            .await;
        body
    }

    /// A valid pre-order body for a package, at its price.
    async fn pre_order_body(&self, id: u64) -> Value {
        let detail = self.detail(id).await["data"].clone();
        json!({ "currency": "USD", "currencyId": 1, "deviceType": "10", "id": id,
                "languageId": "en", "money": detail["currencyInfos"][0]["price"],
                "packageCode": detail["packageCode"], "partnerCode": SANDBOX_PARTNER_CODE,
                "periodNum": detail["period"] })
    }

    /// A pre-order of `id` for the token's user; returns `data`.
    async fn pre_order(&self, token: &str, id: u64) -> Value {
        let body = self.pre_order_body(id).await;
        let answer = self
            .call("/fms/v1.1/package/preOrderPackage", Some(token), body)
            .await;
        assert_eq!(answer["code"], 0, "{answer}");
        answer["data"].clone()
    }

    async fn webhook(&self, order_id: &Value, kind: &str, amount: &Value) -> Value {
        self.call(
            "/fms/payment/webhook",
            None,
            json!({ "dateTime": 1_649_901_960, "orderId": order_id,
                    "partnerCode": SANDBOX_PARTNER_CODE, "payAmount": amount,
                    "payCurrency": "USD", "paypalId": "pi_test", "type": kind }),
        )
        .await
    }

    async fn status(&self, token: &str, order_id: &Value) -> Value {
        self.call(
            "/fms/package/queryOrdStatus",
            Some(token),
            json!({ "orderId": order_id }),
        )
        .await
    }

    async fn control(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let (status, _, body) = self
            .send(
                self.http
                    .request(method, self.running.url(path))
                    .json(&body),
            )
            .await;
        (status, body)
    }
}

const PAID: &str = "payment_intent.succeeded";
const FAILED: &str = "payment_intent.payment_failed";

#[tokio::test]
async fn users_register_after_a_verification_code_and_log_in() {
    let fms = Fms::start().await;
    assert_eq!(
        fms.login(EMAIL, PASSWD).await["code"],
        10010,
        "unknown user"
    );

    let code = fms
        .call(
            "/fms/user/emailVerificationCode",
            None,
            json!({ "email": EMAIL, "partnerCode": SANDBOX_PARTNER_CODE }),
        )
        .await;
    assert_eq!(code["code"], 0);
    let (status, header, body) = fms
        .send(
            fms.http
                .post(fms.running.url("/fms/user/emailRegister"))
                .json(
                    &json!({ "appId": 12, "email": EMAIL, "partnerCode": SANDBOX_PARTNER_CODE,
                     "passwd": PASSWD, "userType": 4, "verifyCode": 1 }),
                ),
        )
        .await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::OK, &json!(0)),
        "{body}"
    );
    assert_eq!(
        header.as_deref(),
        body["data"]["token"].as_str(),
        "token in both places"
    );
    assert!(body["data"]["userId"].is_u64());
    let login = fms.login(EMAIL, PASSWD).await;
    assert_eq!(login["code"], 0, "{login}");
    assert_ne!(login["data"]["token"], body["data"]["token"]);
}

#[tokio::test]
async fn registering_twice_and_bad_credentials_are_refused() {
    let fms = Fms::start().await;
    fms.register(EMAIL).await;
    let again = fms
        .call(
            "/fms/user/emailRegister",
            None,
            json!({ "appId": 10, "email": "ALICE@example.com", "partnerCode": SANDBOX_PARTNER_CODE,
                    "passwd": PASSWD, "userType": 4 }),
        )
        .await;
    assert_eq!(again["code"], 10012, "emails are case-insensitive");
    assert_eq!(fms.login(EMAIL, OTHER_PASSWD).await["code"], 10011);
    assert_eq!(fms.login(EMAIL, "not-md5").await["code"], 2);
    let stranger = fms
        .call(
            "/fms/user/emailLogin",
            None,
            json!({ "appId": 10, "email": EMAIL, "partnerCode": "P999999", "passwd": PASSWD }),
        )
        .await;
    assert_eq!(stranger["code"], 2);
    let first = fms.login(EMAIL, PASSWD).await;
    let second = fms.login(EMAIL, &PASSWD.to_uppercase()).await;
    assert_eq!((&first["code"], &second["code"]), (&json!(0), &json!(0)));
    assert_ne!(
        first["data"]["token"], second["data"]["token"],
        "a new token per login"
    );
    // Every path also answers under /v1.1, and /user/login is the flow table's name.
    for path in ["/fms/v1.1/user/emailLogin", "/fms/user/login"] {
        let body = fms
            .call(
                path,
                None,
                json!({ "appId": 10, "email": EMAIL, "partnerCode": SANDBOX_PARTNER_CODE,
                        "passwd": PASSWD, "userType": 4 }),
            )
            .await;
        assert_eq!(body["code"], 0, "{path}: {body}");
    }
    let stats = fms.running.stats();
    assert_eq!((stats.users_registered, stats.logins), (1, 4));
}

#[tokio::test]
async fn a_password_reset_needs_the_users_token_and_takes_effect() {
    let fms = Fms::start().await;
    let token = fms.register(EMAIL).await;
    let bob = fms.register("bob@example.com").await;
    let reset =
        json!({ "email": EMAIL, "passwd": OTHER_PASSWD, "partnerCode": SANDBOX_PARTNER_CODE });
    assert_eq!(
        fms.call("/fms/user/passwordReset", None, reset.clone())
            .await["code"],
        7
    );
    assert_eq!(
        fms.call("/fms/user/passwordReset", Some(&bob), reset.clone())
            .await["code"],
        2,
        "only one's own password"
    );
    assert_eq!(
        fms.call("/fms/user/passwordReset", Some(&token), reset)
            .await["code"],
        0
    );
    assert_eq!(fms.login(EMAIL, PASSWD).await["code"], 10011);
    assert_eq!(fms.login(EMAIL, OTHER_PASSWD).await["code"], 0);
    assert_eq!(fms.running.stats().password_resets, 1);
}

#[tokio::test]
async fn tokens_die_after_their_time_or_on_demand() {
    let fms = Fms::with(FmsSandboxConfig {
        clock_speed: 0,
        token_ttl_secs: 100,
        ..FmsSandboxConfig::default()
    })
    .await;
    let token = fms.register(EMAIL).await;
    let unknown = json!("1500000000000000000");
    assert_eq!(
        fms.status(&token, &unknown).await["code"],
        10008,
        "the token works"
    );
    let (_, _, bearer) = fms
        .send(
            fms.http
                .post(fms.running.url("/fms/package/queryOrdStatus"))
                .bearer_auth(&token)
                .json(&json!({ "orderId": unknown })),
        )
        .await;
    assert_eq!(bearer["code"], 10008, "a bearer token works too");
    fms.running.advance_clock(101);
    assert_eq!(fms.status(&token, &unknown).await["code"], 7, "expired");

    let token = fms.login(EMAIL, PASSWD).await["data"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(fms.status(&token, &unknown).await["code"], 10008);
    let (status, body) = fms
        .control(reqwest::Method::POST, "/_sandbox/tokens/expire", json!({}))
        .await;
    assert_eq!((status, &body["expired"]), (StatusCode::OK, &json!(1)));
    assert_eq!(fms.status(&token, &unknown).await["code"], 7);
    assert_eq!(
        fms.call(
            "/fms/package/queryOrdStatus",
            None,
            json!({ "orderId": unknown })
        )
        .await["code"],
        7,
        "no token at all"
    );
}

#[tokio::test]
async fn the_catalogue_needs_no_token_and_speaks_mccs() {
    let fms = Fms::start().await;
    let countries = fms
        .call(
            "/fms/package/countryPackageList",
            None,
            json!({ "countryCode": 460, "languageId": "en", "partnerCode": SANDBOX_PARTNER_CODE, "type": 2 }),
        )
        .await;
    let list = countries["data"].as_array().expect("a list");
    let japan = list
        .iter()
        .find(|c| c["countryCode"] == 440)
        .expect("Japan");
    assert_eq!(
        (&japan["iso2"], &japan["isoCountryName"]),
        (&json!("JP"), &json!("Japan"))
    );
    assert!(list.len() >= 200);
    let no_type = fms
        .call(
            "/fms/package/countryPackageList",
            None,
            json!({ "partnerCode": SANDBOX_PARTNER_CODE }),
        )
        .await;
    assert_eq!(no_type["code"], 2);

    let fms = &fms;
    let list_for = |body: Value| {
        let mut body = body;
        body["partnerCode"] = SANDBOX_PARTNER_CODE.into();
        async move { fms.call("/fms/v1.1/package/packageList", None, body).await }
    };
    let ids = |answer: &Value| -> Vec<u64> {
        answer["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_u64().unwrap())
            .collect()
    };
    let includes = list_for(json!({ "countryCode": 440, "type": 1 })).await;
    let only = list_for(json!({ "countryCode": "440", "type": 2 })).await;
    assert_eq!(ids(&only), [4401, 4402, 4403, 4404]);
    let all = ids(&includes);
    assert!(
        all.contains(&4401) && all.contains(&101) && all.contains(&120),
        "{all:?}"
    );
    let by_name = list_for(json!({ "isoCountryName": "Japan", "type": 2 })).await;
    assert_eq!(ids(&by_name), ids(&only));
    let code_wins =
        list_for(json!({ "countryCode": 450, "isoCountryName": "Japan", "type": 2 })).await;
    assert_eq!(ids(&code_wins), [4501, 4502, 4503, 4504]);
    assert_eq!(
        ids(&list_for(json!({ "countryCode": 999, "type": 1 })).await),
        Vec::<u64>::new()
    );
    assert_eq!(
        list_for(json!({ "countryCode": 440 })).await["code"],
        2,
        "type is mandatory"
    );
    assert_eq!(
        list_for(json!({ "type": 1 })).await["code"],
        2,
        "which country?"
    );
    let unversioned = fms
        .call(
            "/fms/package/packageList",
            None,
            json!({ "countryCode": 440, "partnerCode": SANDBOX_PARTNER_CODE, "type": 2 }),
        )
        .await;
    assert_eq!(ids(&unversioned), ids(&only));

    let detail = fms.detail(4402).await;
    assert_eq!(detail["code"], 0);
    let package = &detail["data"];
    assert_eq!(package["packageFlow"], 3072);
    assert_eq!(
        (&package["period"], &package["periodUnit"]),
        (&json!(30), &json!("DAY"))
    );
    assert_eq!(package["currencyInfos"][0]["digitsNum"], "2");
    assert!(package["currencyInfos"][0]["price"].as_f64().unwrap() > 0.0);
    let multi = fms.detail(101).await;
    assert!(multi["data"]["coverCountrys"]
        .as_str()
        .unwrap()
        .contains("440"));
    assert_eq!(
        fms.detail(9).await,
        json!({ "code": 0, "data": null, "message": "success", "messageSourceHandler": {} })
    );
    let (_, _, bad) = fms
        .send(fms.http.get(fms.running.url("/fms/package/detail?id=abc")))
        .await;
    assert_eq!(bad["code"], 2);
    assert_eq!(fms.running.stats().logins, 0);
}

#[tokio::test]
async fn pre_orders_check_their_fields_and_hold_an_hour() {
    let fms = Fms::start().await;
    let token = fms.register(EMAIL).await;
    let valid = fms.pre_order_body(4402).await;
    let path = "/fms/v1.1/package/preOrderPackage";
    assert_eq!(fms.call(path, None, valid.clone()).await["code"], 7);
    let broken: [(&str, Value); 6] = [
        ("partnerCode", json!("P999999")),
        ("id", json!(9)),
        ("currency", json!("EUR")),
        ("currencyId", json!(2)),
        ("deviceType", json!("11")),
        ("periodNum", json!(1)),
    ];
    for (field, value) in broken {
        let mut body = valid.clone();
        body[field] = value;
        assert_eq!(
            fms.call(path, Some(&token), body).await["code"],
            2,
            "{field}"
        );
    }
    let order = fms.pre_order(&token, 4402).await;
    let id = order["id"].as_str().unwrap();
    assert_eq!(id.len(), 19, "{id}");
    assert_eq!(order["orderPayStatus"], 0);
    assert_eq!(order["money"], valid["money"]);
    assert!(order["orderNo"].as_str().unwrap().starts_with("FMS"));
    assert_eq!(
        fms.status(&token, &order["id"]).await["data"]["orderPayStatus"],
        0
    );
    // The clock is frozen: created now, due an hour of sandbox time later.
    let (_, clock) = fms
        .control(reqwest::Method::GET, "/_sandbox/clock", json!({}))
        .await;
    assert_eq!(order["createTime"], clock["now"]);
    let (_, later) = fms
        .control(
            reqwest::Method::POST,
            "/_sandbox/clock/advance",
            json!({ "seconds": 3600 }),
        )
        .await;
    assert_eq!(order["expireTime"], later["now"]);
    assert_eq!(
        fms.status(&token, &order["id"]).await["data"]["orderPayStatus"],
        3,
        "cancelled at its deadline"
    );
    assert_eq!(fms.running.stats().orders_placed, 1);
}

#[tokio::test]
async fn a_paid_order_gets_its_esim_a_little_later() {
    let fms = Fms::start().await;
    let token = fms.register(EMAIL).await;
    let order = fms.pre_order(&token, 4402).await;
    let id = &order["id"];
    assert_eq!(fms.webhook(id, PAID, &order["money"]).await["code"], 0);
    let status = fms.status(&token, id).await;
    assert_eq!(
        status["data"]["orderPayStatus"], 0,
        "assignment takes a moment"
    );
    let detail = fms
        .call(
            "/fms/v1.1/order/myEsimDetail",
            Some(&token),
            json!({ "orderId": id }),
        )
        .await;
    assert_eq!(detail["code"], 10008, "no eSIM yet");

    fms.running.advance_clock(2);
    let status = fms.status(&token, id).await["data"].clone();
    assert_eq!(status["orderPayStatus"], 1);
    let qr = status["qrCode"].as_str().unwrap();
    assert!(qr.starts_with("LPA:1$smdp.fms-sandbox.test$"), "{qr}");
    let with_email = fms
        .call(
            "/fms/package/queryOrdStatusAndEmail",
            Some(&token),
            json!({ "orderId": id }),
        )
        .await;
    assert_eq!(with_email["data"]["email"], EMAIL);

    let detail = fms
        .call(
            "/fms/order/myEsimDetail",
            Some(&token),
            json!({ "orderId": id }),
        )
        .await["data"]
        .clone();
    assert_eq!(detail["orderId"], *id);
    assert_eq!(detail["qrCode"], qr);
    assert_eq!(
        format!(
            "LPA:1${}${}",
            detail["smdpAddress"].as_str().unwrap(),
            detail["activationCode"].as_str().unwrap()
        ),
        qr
    );
    assert_eq!(
        (&detail["packageId"], &detail["packageFlow"]),
        (&json!(4402), &json!(3072))
    );
    assert_eq!(
        (&detail["usedFlow"], &detail["status"]),
        (&json!(0.0), &json!(0))
    );
    assert!(detail["activeTime"].is_null());
    let iccid = detail["iccid"].as_str().unwrap();
    assert_eq!(iccid.len(), 20);
    let by_iccid = fms
        .call(
            "/fms/v1.1/order/myEsimDetail",
            Some(&token),
            json!({ "iccid": iccid }),
        )
        .await;
    assert_eq!(by_iccid["data"], detail, "the eSIM's latest order");
    let stranger = fms.register("bob@example.com").await;
    let seen = fms
        .call(
            "/fms/v1.1/order/myEsimDetail",
            Some(&stranger),
            json!({ "orderId": id }),
        )
        .await;
    assert_eq!(seen["code"], 0, "any user of the partner reads any order");
    let stats = fms.running.stats();
    assert_eq!((stats.esims_issued, stats.qr_emails), (1, 1));
}

#[tokio::test]
async fn the_webhook_answers_each_documented_code() {
    let fms = Fms::start().await;
    let token = fms.register(EMAIL).await;
    let order = fms.pre_order(&token, 4401).await;
    let (id, money) = (&order["id"], &order["money"]);

    assert_eq!(
        fms.webhook(&json!("1500000000000000000"), PAID, money)
            .await["code"],
        10008
    );
    let body = |date_time: Value, partner: &str, kind: &str| {
        json!({ "dateTime": date_time, "orderId": id, "partnerCode": partner,
                "payAmount": money, "payCurrency": "USD", "paypalId": "pi", "type": kind })
    };
    let fms = &fms;
    let send = |body: Value| async move {
        fms.call("/fms/payment/webhook", None, body).await["code"].clone()
    };
    assert_eq!(
        send(body(json!("2022-04-14 10:00"), SANDBOX_PARTNER_CODE, PAID)).await,
        1102
    );
    assert_eq!(send(body(json!(1), "P999999", PAID)).await, 2);
    assert_eq!(
        send(body(json!(1), SANDBOX_PARTNER_CODE, "charge.succeeded")).await,
        2
    );
    let cheaper = json!("0.99");
    assert_eq!(fms.webhook(id, PAID, &cheaper).await["code"], 10009);
    assert_eq!(
        fms.status(&token, id).await["data"]["orderPayStatus"],
        0,
        "nothing taken"
    );

    // The flow page's spelling is the same result.
    assert_eq!(
        fms.webhook(id, "payment_intent.payment_succeed", money)
            .await["code"],
        0
    );
    assert_eq!(
        fms.webhook(id, PAID, money).await["code"],
        0,
        "an identical replay"
    );
    assert_eq!(
        fms.webhook(id, PAID, &cheaper).await["code"],
        9999,
        "a different amount"
    );
    assert_eq!(
        fms.webhook(id, FAILED, money).await["code"],
        9999,
        "a different result"
    );
    let (_, order_state) = fms
        .control(
            reqwest::Method::GET,
            &format!("/_sandbox/orders/{}", id.as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(order_state["notifications"], 5, "{order_state}");
    assert_eq!(
        fms.running.payment_notifications(id.as_str().unwrap()),
        5,
        "unknown-order and malformed calls are not counted"
    );
}

#[tokio::test]
async fn a_pre_order_made_at_the_wrong_price_fails_at_payment() {
    let fms = Fms::start().await;
    let token = fms.register(EMAIL).await;
    let mut body = fms.pre_order_body(4401).await;
    body["money"] = json!(1.0);
    let order = fms
        .call("/fms/v1.1/package/preOrderPackage", Some(&token), body)
        .await["data"]
        .clone();
    assert_eq!(
        fms.webhook(&order["id"], PAID, &json!(1.0)).await["code"],
        10009
    );
}

#[tokio::test]
async fn an_unpaid_pre_order_lapses_after_the_window_and_frees_its_profile() {
    let fms = Fms::with(FmsSandboxConfig {
        clock_speed: 0,
        pool_size: Some(1),
        ..FmsSandboxConfig::default()
    })
    .await;
    let token = fms.register(EMAIL).await;
    let order = fms.pre_order(&token, 4401).await;
    assert_eq!(fms.running.stats().profiles_free, Some(0));
    fms.running.advance_clock(3599);
    assert_eq!(
        fms.status(&token, &order["id"]).await["data"]["orderPayStatus"],
        0
    );
    fms.running.advance_clock(1);
    assert_eq!(
        fms.status(&token, &order["id"]).await["data"]["orderPayStatus"],
        3
    );
    assert_eq!(fms.running.stats().profiles_free, Some(1));
    let late = fms.webhook(&order["id"], PAID, &order["money"]).await;
    assert_eq!(
        late,
        json!({ "code": 6006, "data": null, "message": "PreOrder Timeout", "messageSourceHandler": {} })
    );
}

#[tokio::test]
async fn a_failed_payment_releases_the_profile_for_good() {
    let fms = Fms::with(FmsSandboxConfig {
        clock_speed: 0,
        pool_size: Some(1),
        ..FmsSandboxConfig::default()
    })
    .await;
    let token = fms.register(EMAIL).await;
    let order = fms.pre_order(&token, 4401).await;
    let (id, money) = (&order["id"], &order["money"]);
    assert_eq!(fms.webhook(id, FAILED, &json!(0)).await["code"], 0);
    assert_eq!(fms.status(&token, id).await["data"]["orderPayStatus"], 2);
    assert_eq!(fms.running.stats().profiles_free, Some(1));
    assert_eq!(
        fms.webhook(id, FAILED, money).await["code"],
        0,
        "the same result again"
    );
    assert_eq!(
        fms.webhook(id, PAID, money).await["code"],
        9999,
        "a new pre-order is needed"
    );
    fms.running.advance_clock(3600);
    assert_eq!(
        fms.status(&token, id).await["data"]["orderPayStatus"],
        2,
        "stays failed"
    );
}

#[tokio::test]
async fn an_empty_pool_answers_3005_at_payment() {
    let fms = Fms::with(FmsSandboxConfig {
        clock_speed: 0,
        pool_size: Some(1),
        ..FmsSandboxConfig::default()
    })
    .await;
    let token = fms.register(EMAIL).await;
    let first = fms.pre_order(&token, 4401).await;
    let second = fms.pre_order(&token, 4401).await;
    let refused = fms.webhook(&second["id"], PAID, &second["money"]).await;
    assert_eq!(refused["code"], 3005, "{refused}");
    assert_eq!(
        fms.status(&token, &second["id"]).await["data"]["orderPayStatus"],
        3
    );
    assert_eq!(
        fms.webhook(&first["id"], PAID, &first["money"]).await["code"],
        0
    );
    fms.running.advance_clock(2);
    assert_eq!(
        fms.status(&token, &first["id"]).await["data"]["orderPayStatus"],
        1
    );
    assert_eq!(fms.running.stats().esims_issued, 1);
}

/// A paid order's ICCID with the assignment done.
async fn paid_esim(fms: &Fms, token: &str, package: u64) -> String {
    let order = fms.pre_order(token, package).await;
    assert_eq!(
        fms.webhook(&order["id"], PAID, &order["money"]).await["code"],
        0
    );
    fms.running.advance_clock(2);
    let detail = fms
        .call(
            "/fms/order/myEsimDetail",
            Some(token),
            json!({ "orderId": order["id"] }),
        )
        .await;
    detail["data"]["iccid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn data_use_shows_in_the_detail_and_ends_the_package() {
    let fms = Fms::start().await;
    let token = fms.register(EMAIL).await;
    let iccid = paid_esim(&fms, &token, 4401).await;
    let fms = &fms;
    let consume = |bytes: u64| {
        let path = format!("/_sandbox/esims/{iccid}/consume");
        async move {
            fms.control(reqwest::Method::POST, &path, json!({ "bytes": bytes }))
                .await
        }
    };
    let (status, esim) = consume(100 * MIB).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(esim["packages"][0]["used_bytes"], 100 * MIB);
    assert_eq!(esim["packages"][0]["limit_bytes"], 1024 * MIB);
    let detail = fms
        .call(
            "/fms/order/myEsimDetail",
            Some(&token),
            json!({ "iccid": iccid }),
        )
        .await["data"]
        .clone();
    assert_eq!(
        (&detail["usedFlow"], &detail["surplusFlow"]),
        (&json!(100.0), &json!(924.0))
    );
    assert_eq!(detail["status"], 1);
    assert!(detail["activeTime"].is_string() && detail["expireTime"].is_string());

    let (_, esim) = consume(2048 * MIB).await;
    assert_eq!(
        esim["packages"][0]["used_bytes"],
        1024 * MIB,
        "capped at the allowance"
    );
    assert_eq!(esim["packages"][0]["status"], 2);
    assert_eq!(
        consume(1).await.0,
        StatusCode::CONFLICT,
        "nothing left to use"
    );
    let (missing, _) = fms
        .control(
            reqwest::Method::POST,
            "/_sandbox/esims/8900/consume",
            json!({ "bytes": 1 }),
        )
        .await;
    assert_eq!(missing, StatusCode::NOT_FOUND);
    let (status, esim) = fms
        .control(
            reqwest::Method::GET,
            &format!("/_sandbox/esims/{iccid}"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(esim["qr_code"].as_str().unwrap().starts_with("LPA:1$"));
}

#[tokio::test]
async fn traffic_uses_data_as_sandbox_time_passes_and_validity_ends() {
    let fms = Fms::with(FmsSandboxConfig {
        clock_speed: 0,
        traffic_bytes_per_hour: 1024 * MIB,
        ..FmsSandboxConfig::default()
    })
    .await;
    let token = fms.register(EMAIL).await;
    let iccid = paid_esim(&fms, &token, 4404).await; // 10 GB / 30 days
    fms.running.advance_clock(1800);
    let (_, esim) = fms
        .control(
            reqwest::Method::GET,
            &format!("/_sandbox/esims/{iccid}"),
            json!({}),
        )
        .await;
    assert_eq!(esim["packages"][0]["used_bytes"], 512 * MIB);
    assert_eq!(esim["packages"][0]["status"], 1);
    fms.running.advance_clock(31 * 86_400);
    let (_, esim) = fms
        .control(
            reqwest::Method::GET,
            &format!("/_sandbox/esims/{iccid}"),
            json!({}),
        )
        .await;
    assert_eq!(esim["packages"][0]["status"], 2, "{esim}");
}

#[tokio::test]
async fn the_control_api_drives_faults_time_and_counters() {
    let fms = Fms::start().await;
    let (status, clock) = fms
        .control(reqwest::Method::GET, "/_sandbox/clock", json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let start = clock["unix"].as_i64().unwrap();
    let (_, clock) = fms
        .control(
            reqwest::Method::POST,
            "/_sandbox/clock/advance",
            json!({ "seconds": 90 }),
        )
        .await;
    assert_eq!(clock["unix"].as_i64().unwrap(), start + 90);
    let (bad, _) = fms
        .control(
            reqwest::Method::POST,
            "/_sandbox/clock/advance",
            json!({ "seconds": -1 }),
        )
        .await;
    assert_eq!(bad, StatusCode::BAD_REQUEST, "time only moves forward");

    let (status, _) = fms
        .control(
            reqwest::Method::POST,
            "/_sandbox/faults",
            json!({ "fail_next": 1, "status": 502 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, body) = fms
        .send(fms.http.get(fms.running.url("/fms/package/detail?id=4401")))
        .await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_eq!(body["status"], 502, "Spring Boot's error body: {body}");
    assert!(body.get("code").is_none());

    fms.control(
        reqwest::Method::POST,
        "/_sandbox/faults",
        json!({ "malformed_next": 1 }),
    )
    .await;
    let (status, _, garbled) = fms
        .send(fms.http.get(fms.running.url("/fms/package/detail?id=4401")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(garbled.is_string(), "not JSON: {garbled}");

    fms.control(
        reqwest::Method::POST,
        "/_sandbox/faults",
        json!({ "fail_next": 5 }),
    )
    .await;
    let (status, _) = fms
        .control(reqwest::Method::DELETE, "/_sandbox/faults", json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fms.detail(4401).await["code"], 0, "disarmed");
    let (status, _) = fms
        .control(
            reqwest::Method::POST,
            "/_sandbox/faults",
            json!({ "fail_next": 1, "status": 404 }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "only 5xx can be injected");

    let (status, stats) = fms
        .control(reqwest::Method::GET, "/_sandbox/stats", json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stats["api_calls"], 3, "{stats}");
    assert!(stats["packages"].as_u64().unwrap() > 800);
    let (status, _, _) = fms
        .send(fms.http.get(fms.running.url("/fms/nothing/here")))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = fms
        .control(reqwest::Method::GET, "/_sandbox/orders/1", json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        fms.running.api_base(),
        format!("{}/fms", fms.running.base_url)
    );
}

#[tokio::test]
async fn in_process_controls_match_the_http_ones() {
    let fms = Fms::start().await;
    let token = fms.register(EMAIL).await;
    fms.running.set_faults(sandbox::faults::FaultUpdate {
        fail_next: Some(1),
        ..Default::default()
    });
    let (status, _, _) = fms
        .send(fms.http.get(fms.running.url("/fms/package/detail?id=4401")))
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    fms.running.set_faults(sandbox::faults::FaultUpdate {
        fail_next: Some(3),
        ..Default::default()
    });
    fms.running.clear_faults();
    assert_eq!(fms.detail(4401).await["code"], 0);
    fms.running.expire_tokens();
    assert_eq!(fms.status(&token, &json!("1")).await["code"], 7);
}
