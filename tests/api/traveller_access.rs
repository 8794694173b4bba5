//! Traveller B, signed in, tries every traveller page and every traveller server function, found
//! from the app itself rather than listed by hand, aimed at traveller A's eSIM, order and
//! package: B is shown nothing of A's and changes nothing. A page or function added later is
//! covered without anyone remembering to add it here.

use crate::support::{route_parameter, spawn_app, TestApp};
use sqlx::Row;

const PLAN: &str = "esimfx_10G_7D_JP";
const OWNER: &str = "owner-a@example.com";
const INTRUDER: &str = "intruder-b@example.com";
/// The traveller functions a guest may call: asking for a sign-in link, previewing one, and
/// asking who is signed in.
const OPEN_TO_GUESTS: &[&str] = &[
    "my_esim/request_sign_in",
    "my_esim/sign_in_link",
    "my_esim/signed_in",
];
/// A label only A's eSIM carries, so finding it anywhere B is answered is a leak.
const OWNERS_LABEL: &str = "Anna's Japan trip";

/// What belongs to A and is never typed by B: none of it may appear in an answer to B.
struct OwnersData {
    iccid: String,
    order_id: String,
    package_id: String,
    matching_id: String,
}

impl OwnersData {
    fn secrets(&self) -> [(&'static str, &str); 4] {
        [
            ("the activation code", &self.matching_id),
            ("the owner's email", OWNER),
            ("the owner's label", OWNERS_LABEL),
            ("the package id", &self.package_id),
        ]
    }
}

/// A's eSIM, bought as a guest and claimed by signing in, then labelled.
async fn owner_with_an_esim(app: &TestApp) -> OwnersData {
    let (order_id, iccid) = app.buy_esim(PLAN, OWNER).await;
    let owner = app.sign_in(OWNER).await;
    let (status, body) = app
        .server_fn(
            Some(&owner),
            "my_esim/rename_esim",
            &[("iccid", iccid.as_str()), ("label", OWNERS_LABEL)],
        )
        .await;
    assert_eq!(status, 200, "the owner labels their eSIM: {body}");
    let row = sqlx::query(
        "SELECT e.matching_id, p.id AS package_id FROM esims e \
         JOIN esim_packages p ON p.iccid = e.iccid WHERE e.iccid = $1",
    )
    .bind(&iccid)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    OwnersData {
        iccid,
        order_id,
        package_id: row.get("package_id"),
        matching_id: row.get("matching_id"),
    }
}

/// `id=state` for each row `sql` selects for A's eSIM (`$1`) and email (`$2`).
async fn id_and_state(app: &TestApp, sql: &str, iccid: &str) -> Vec<String> {
    sqlx::query(sql)
        .bind(iccid)
        .bind(OWNER)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|row| {
            format!(
                "{}={}",
                row.get::<String, _>("id"),
                row.get::<String, _>("state")
            )
        })
        .collect()
}

/// Everything about A's eSIM that an action could change, as one comparable text.
async fn owners_state(app: &TestApp, owner: &OwnersData) -> String {
    let esim = sqlx::query("SELECT label, account_id FROM esims WHERE iccid = $1")
        .bind(&owner.iccid)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let packages = id_and_state(
        app,
        "SELECT id, state FROM esim_packages WHERE iccid = $1 AND $2 <> '' ORDER BY id",
        &owner.iccid,
    )
    .await;
    let orders = id_and_state(
        app,
        "SELECT id, status AS state FROM orders WHERE iccid = $1 OR topup_iccid = $1 OR email = $2 \
         ORDER BY id",
        &owner.iccid,
    )
    .await;
    let emails = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM emails WHERE recipient = '{OWNER}'"
        ))
        .await;
    format!(
        "label={:?} account={:?} packages={packages:?} orders={orders:?} emails={emails}",
        esim.get::<String, _>("label"),
        esim.get::<Option<String>, _>("account_id"),
    )
}

/// Values for every field a traveller server function takes, aimed at A's things wherever a
/// field names one. A new function with a new field fails the test until the field is added.
fn every_field(owner: &OwnersData, top_up_plan: &str) -> Vec<(&'static str, String)> {
    vec![
        ("iccid", owner.iccid.clone()),
        ("order_id", owner.order_id.clone()),
        ("package_id", owner.package_id.clone()),
        ("plan_id", top_up_plan.to_owned()),
        ("label", "Mine now".to_owned()),
        ("email", INTRUDER.to_owned()),
        ("token", "not-the-owners-token".to_owned()),
        ("returned_from_payment", "true".to_owned()),
        ("next", "/my-esims".to_owned()),
    ]
}

/// A traveller page path with its parameters pointed at A's things.
fn fill(path: &str, owner: &OwnersData) -> String {
    path.split('/')
        .map(|segment| match route_parameter(segment) {
            Some("iccid") => owner.iccid.clone(),
            Some("id") => owner.order_id.clone(),
            Some("slug") => "japan".to_owned(),
            Some(other) => panic!("no value for the page parameter {other} in {path}"),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn assert_nothing_of_the_owners(what: &str, body: &str, owner: &OwnersData, typed: &str) {
    for (name, secret) in owner.secrets() {
        assert!(!body.contains(secret), "{what} showed B {name}: {body}");
    }
    if !typed.contains(&owner.iccid) {
        assert!(!body.contains(&owner.iccid), "{what} showed B the ICCID");
    }
}

#[tokio::test]
async fn no_traveller_sees_or_changes_another_travellers_esims_orders_or_packages() {
    let app = spawn_app().await;
    let owner = owner_with_an_esim(&app).await;
    let intruder = app.sign_in(INTRUDER).await;
    let top_up_plan = app.plan_id(PLAN).await;
    let before = owners_state(&app, &owner).await;

    let pages: Vec<String> = tern::routes::page_paths()
        .into_iter()
        .filter(|path| !path.starts_with("/admin"))
        .collect();
    assert!(
        pages.iter().any(|path| path.contains("iccid")) && pages.len() >= 8,
        "the traveller pages were found: {pages:?}"
    );
    // The one traveller download served outside Leptos.
    let install_pack = format!("/my-esims/{}/install-pack", owner.iccid);
    for path in pages
        .iter()
        .map(|page| fill(page, &owner))
        .chain([install_pack])
    {
        let (status, body) = app.get_as(&intruder, &path).await;
        assert_nothing_of_the_owners(&path, &body, &owner, &path);
        if path.contains(&owner.iccid) {
            assert_eq!(status, 404, "{path} answers B as for an unknown eSIM");
        }
    }

    let mut functions: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .filter(|path| path.starts_with("/api/my_esim/") || path.starts_with("/api/orders/"))
        .collect();
    functions.sort_unstable();
    assert!(
        functions.len() >= 10,
        "the traveller functions were found: {functions:?}"
    );
    let fields = every_field(&owner, &top_up_plan);
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    for path in &functions {
        let name = path.trim_start_matches("/api/");
        let (status, body) = app.server_fn(Some(&intruder), name, &form).await;
        assert!(status < 500, "{name} failed: {status} {body}");
        assert_nothing_of_the_owners(name, &body, &owner, &owner.iccid);
    }
    assert_eq!(
        owners_state(&app, &owner).await,
        before,
        "nothing of A's changed"
    );

    // The same calls as A reach A's eSIM, so the refusals above were about who asked.
    let as_owner = app.sign_in(OWNER).await;
    let (status, body) = app
        .server_fn(
            Some(&as_owner),
            "my_esim/my_esim",
            &[("iccid", owner.iccid.as_str())],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&owner.matching_id) && body.contains(OWNERS_LABEL));
    let (status, page) = app
        .get_as(&as_owner, &format!("/my-esims/{}", owner.iccid))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains(&owner.matching_id));
}

#[tokio::test]
async fn a_guest_is_asked_to_sign_in_and_shown_nothing() {
    let app = spawn_app().await;
    let owner = owner_with_an_esim(&app).await;
    let before = owners_state(&app, &owner).await;
    let top_up_plan = app.plan_id(PLAN).await;
    let fields = every_field(&owner, &top_up_plan);
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let signed_in_only: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/"))
        .filter(|name| name.starts_with("my_esim/") && !OPEN_TO_GUESTS.contains(name))
        .collect();
    assert!(signed_in_only.len() >= 7, "found: {signed_in_only:?}");
    for name in signed_in_only {
        let (status, body) = app.server_fn(None, name, &form).await;
        assert_eq!(status, 401, "{name}: {body}");
        assert!(body.contains("Please sign in"), "{name}: {body}");
        assert_nothing_of_the_owners(name, &body, &owner, &owner.iccid);
    }
    assert_eq!(owners_state(&app, &owner).await, before);
}
