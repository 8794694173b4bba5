//! Every server function (found from the app itself), form endpoint and webhook, fed wrong types,
//! huge values, text that is not UTF-8 and empty bodies, as a guest, a traveller and an owner:
//! the answer is 4xx, never a 5xx and never a dropped connection (a panic). Fixed cases first,
//! then generated ones.

use crate::admin::{admin_cookie, app_with_owner, OWNER_EMAIL, OWNER_PASSWORD};
use crate::support::{TestApp, ESIMFX_WEBHOOK_TOKEN};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};

/// Every field name any server function or form takes (and one none does).
const FIELD_NAMES: &[&str] = &[
    "action",
    "action_id",
    "admin_id",
    "code",
    "country",
    "current_password",
    "email",
    "enabled",
    "from",
    "iccid",
    "label",
    "margin",
    "name",
    "new_password",
    "next",
    "note",
    "offer",
    "order_id",
    "package_id",
    "page",
    "password",
    "plan_id",
    "position",
    "provider",
    "providers",
    "q",
    "query",
    "reason",
    "returned_from_payment",
    "scope",
    "status",
    "strategy",
    "to",
    "token",
    "value",
    "unexpected",
];

/// Values of the wrong type or size for any field.
fn wrong_values() -> Vec<String> {
    vec![
        String::new(),
        "not a number".into(),
        "-1".into(),
        "99999999999999999999999999".into(),
        "-9223372036854775808".into(),
        "1e309".into(),
        "NaN".into(),
        "maybe".into(),
        "💥\u{202e}ünïcödé".into(),
        "../../etc/passwd".into(),
        "<script>alert(1)</script>".into(),
        "x".repeat(12_000),
    ]
}

/// Three callers: a guest, a signed-in traveller and a signed-in owner, so every function is
/// tried past its guard as well as at it.
struct Callers {
    cookies: [String; 3],
}

async fn callers(app: &TestApp) -> Callers {
    let traveller = app.sign_in("fuzz@example.com").await;
    let owner = admin_cookie(app, OWNER_EMAIL, OWNER_PASSWORD).await;
    Callers {
        cookies: [String::new(), traveller, owner],
    }
}

fn is_sign_out(path: &str) -> bool {
    path.contains("sign_out") || path.contains("sign-out")
}

fn server_functions() -> Vec<String> {
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    paths.sort_unstable();
    paths
}

/// Posts `body` to `path` as `content_type`; the status, or the test fails if no answer came.
async fn post_raw(
    app: &TestApp,
    path: &str,
    cookie: &str,
    content_type: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> u16 {
    let mut request = app
        .http
        .post(format!("{}{path}", app.base_url))
        .header("content-type", content_type)
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", cookie)
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|error| panic!("{path} dropped the connection: {error}"));
    response.status().as_u16()
}

fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    let mut encoded = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        encoded.append_pair(name, value);
    }
    encoded.finish().into_bytes()
}

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test]
async fn every_server_function_and_form_refuses_malformed_input_with_4xx() {
    let app = app_with_owner().await;
    let callers = callers(&app).await;
    let mut targets = server_functions();
    assert!(targets.len() >= 30, "the server functions were found");
    // The form endpoints outside Leptos.
    targets.extend(["/checkout", "/auth/verify", "/auth/sign-out"].map(String::from));
    // Signing out last, so every other call is also tried signed in.
    targets.sort_by_key(|path| is_sign_out(path));

    let not_utf8 = b"iccid=\xff\xfe\xfd&email=\xc3\x28&label=%FF%FE".to_vec();
    let too_large = form(&[("label", &"x".repeat(64 * 1024))]);
    let with_nul = form(&[("label", "a\0b"), ("email", "a\0@example.com")]);
    for path in &targets {
        for cookie in &callers.cookies {
            let status = post_raw(&app, path, cookie, FORM, &[], Vec::new()).await;
            assert!(status < 500, "{path}, empty body: {status}");
            let status = post_raw(&app, path, cookie, FORM, &[], not_utf8.clone()).await;
            assert!(status < 500, "{path}, not UTF-8: {status}");
            let status = post_raw(&app, path, cookie, FORM, &[], with_nul.clone()).await;
            assert_eq!(status, 400, "{path}, NUL in text");
            let status = post_raw(&app, path, cookie, FORM, &[], too_large.clone()).await;
            assert_eq!(status, 413, "{path}, 64 KiB");
            let status = post_raw(
                &app,
                path,
                cookie,
                "application/json",
                &[],
                b"{\"iccid\":[".to_vec(),
            )
            .await;
            assert!(status < 500, "{path}, broken JSON: {status}");
            for value in wrong_values() {
                let fields: Vec<(&str, &str)> = FIELD_NAMES
                    .iter()
                    .map(|name| (*name, value.as_str()))
                    .collect();
                let status = post_raw(&app, path, cookie, FORM, &[], form(&fields)).await;
                assert!(status < 500, "{path}, every field {value:.20?}: {status}");
            }
            // The same field twice, and nested names.
            let odd = b"iccid=1&iccid=2&plan_id[]=x&email[a][b]=c&=&&=x".to_vec();
            let status = post_raw(&app, path, cookie, FORM, &[], odd).await;
            assert!(status < 500, "{path}, odd names: {status}");
        }
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM esims").await,
        0,
        "no eSIM came of any of it"
    );
}

#[tokio::test]
async fn webhooks_refuse_malformed_events_with_4xx() {
    let app = crate::support::spawn_app().await;
    let token = [("token", ESIMFX_WEBHOOK_TOKEN)];
    let stripe_signed = [("stripe-signature", "t=1,v1=00")];
    let bodies: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"not json".to_vec(),
        b"\xff\xfe\xfd".to_vec(),
        b"[1,2,3]".to_vec(),
        b"null".to_vec(),
        json!({ "event_type": "DATA_USAGE" })
            .to_string()
            .into_bytes(),
        json!({ "event_type": 7, "iccid": {}, "order_id": [] })
            .to_string()
            .into_bytes(),
        json!({
            "event_type": "DATA_USAGE", "iccid": "89-not-an-iccid", "order_id": "o\u{0}",
            "threshold": -5, "used_amount": 1e308, "upper_limit_amount": u64::MAX,
            "timestamp": i64::MIN
        })
        .to_string()
        .into_bytes(),
        json!({ "type": "checkout.session.completed", "data": { "object": 5 } })
            .to_string()
            .into_bytes(),
    ];
    for body in &bodies {
        let status = post_raw(
            &app,
            "/webhooks/esimfx",
            "",
            "application/json",
            &token,
            body.clone(),
        )
        .await;
        assert!((400..500).contains(&status), "eSIMfx {body:?}: {status}");
        let status = post_raw(
            &app,
            "/webhooks/esimfx",
            "",
            "application/json",
            &[],
            body.clone(),
        )
        .await;
        assert_eq!(status, 401, "eSIMfx without its token");
        for headers in [&stripe_signed[..], &[]] {
            let status = post_raw(
                &app,
                "/webhooks/stripe",
                "",
                "application/json",
                headers,
                body.clone(),
            )
            .await;
            assert_eq!(status, 400, "Stripe {body:?}");
        }
    }
    let huge = vec![b'x'; 2 * 1024 * 1024];
    for path in ["/webhooks/esimfx", "/webhooks/stripe"] {
        let status = post_raw(&app, path, "", "application/json", &token, huge.clone()).await;
        assert_eq!(status, 413, "{path}, 2 MiB");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM provider_events").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payment_events").await, 0);
}

/// Any text: printable, control characters, other scripts, or a number at an edge.
fn any_value() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "\\PC{0,200}",
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
        Just(String::new()),
    ]
}

/// Some fields, known or not, with any values.
fn any_form() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        4 => proptest::sample::select(FIELD_NAMES).prop_map(str::to_owned),
        1 => "[a-z_\\[\\]]{0,12}",
    ];
    proptest::collection::vec((name, any_value()), 0..8)
}

/// Any JSON at all, nested a little.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN", |n| n.is_finite())
            .prop_map(Value::from),
        "\\PC{0,30}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    proptest::sample::select(
                        &[
                            "event_type",
                            "event_id",
                            "iccid",
                            "order_id",
                            "threshold",
                            "used_amount",
                            "upper_limit_amount",
                            "amount_unit",
                            "timestamp"
                        ][..]
                    )
                    .prop_map(str::to_owned),
                    "[a-z_]{1,10}",
                ],
                inner,
                0..9,
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Generated calls: any function, any caller, any fields; and any JSON to the eSIMfx webhook
/// with its real token. Every answer is below 500.
#[test]
fn generated_calls_never_answer_5xx() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (app, callers) = runtime.block_on(async {
        let app = app_with_owner().await;
        let callers = callers(&app).await;
        (app, callers)
    });
    // Signing out takes no input, and would end the callers' sessions.
    let functions: Vec<String> = server_functions()
        .into_iter()
        .filter(|path| !is_sign_out(path))
        .collect();
    let mut runner = TestRunner::new(Config {
        cases: 192,
        failure_persistence: None,
        ..Config::default()
    });
    let call = (proptest::sample::select(functions), 0..3usize, any_form());
    runner
        .run(&call, |(path, caller, fields)| {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let status = runtime.block_on(post_raw(
                &app,
                &path,
                &callers.cookies[caller],
                FORM,
                &[],
                form(&fields),
            ));
            prop_assert!(status < 500, "{} with {:?}: {}", path, fields, status);
            Ok(())
        })
        .unwrap();

    let mut runner = TestRunner::new(Config {
        cases: 192,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&any_json(), |event| {
            let status = runtime.block_on(post_raw(
                &app,
                "/webhooks/esimfx",
                "",
                "application/json",
                &[("token", ESIMFX_WEBHOOK_TOKEN)],
                event.to_string().into_bytes(),
            ));
            if status >= 500 {
                return Err(TestCaseError::fail(format!("{event}: {status}")));
            }
            Ok(())
        })
        .unwrap();
}
