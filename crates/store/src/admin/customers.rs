//! Customers as the admin panel reads them. A customer is a traveller known by email address
//! (lower-cased): anyone with an order or an account. The list finds them by part of the email,
//! an exact ICCID or an exact order id, most recently active first, with their figures; the detail
//! adds every eSIM (with its packages and usage) and every order.

use crate::Db;
use anyhow::Context;
use domain::admin::customers::{
    CustomerAccount, CustomerDetail, CustomerEsim, CustomerPackage, CustomerRow, CustomersPage,
};
use domain::admin::OrderRow;
use domain::{Currency, EsimState, Money, PackageState, PackageUsage};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::BTreeMap;

/// Customers per page of [`search`].
pub const PAGE_SIZE: u32 = 25;
/// The longest search text accepted.
pub const MAX_QUERY_LEN: usize = 200;

/// Statuses an order only reaches once the traveller's money was taken (as on the dashboard).
/// `refunding` still counts in full: nothing is given back until the refund is confirmed.
const PAID_STATUSES: &str = "('paid', 'provisioning', 'ready', 'failed', 'refunding', 'refunded')";

/// Every customer with the time of their latest activity: an order, the account's creation or a
/// sign-in. Emails are compared lower-cased, since orders keep the address as it was typed.
const CUSTOMERS: &str = "WITH activity AS (
    SELECT LOWER(email) AS email, created_at AS happened_at FROM orders
    UNION ALL SELECT LOWER(email), created_at FROM accounts
    UNION ALL SELECT LOWER(email), last_sign_in_at FROM accounts WHERE last_sign_in_at IS NOT NULL
  ),
  customers AS (SELECT email, MAX(happened_at) AS last_active_at FROM activity GROUP BY email)";

/// A search the customers page sent that cannot run; the message is safe to show.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("Search for at most {MAX_QUERY_LEN} characters.")]
    QueryTooLong,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The `WHERE` clause for what the admin typed (empty for nothing), and its two bound values:
/// the text is only ever bound, never written into the SQL.
fn condition(query: &str) -> (&'static str, Vec<String>) {
    if query.is_empty() {
        return ("", Vec::new());
    }
    let within = format!("%{}%", escape_like(&query.to_lowercase()));
    (
        " WHERE (c.email LIKE $1 ESCAPE '!'
            OR c.email IN (SELECT LOWER(e.email) FROM esims e WHERE e.iccid = $2)
            OR c.email IN (SELECT LOWER(o.email) FROM orders o
                           WHERE o.id = $2 OR o.iccid = $2 OR o.topup_iccid = $2))",
        vec![within, query.to_owned()],
    )
}

/// `text` with `LIKE`'s wildcards (and the escape character `!`) taken literally.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '!' | '%' | '_') {
            escaped.push('!');
        }
        escaped.push(c);
    }
    escaped
}

/// One page (from 1) of the customers whose email contains `query` (any case), or who own the
/// eSIM with that ICCID, or placed the order with that id; most recently active first. A blank
/// query lists everyone.
pub async fn search(db: &Db, query: &str, page: u32) -> Result<CustomersPage, SearchError> {
    let query = query.trim();
    if query.chars().count() > MAX_QUERY_LEN {
        return Err(SearchError::QueryTooLong);
    }
    let page = page.max(1);
    let (clause, binds) = condition(query);
    let sql = format!("{CUSTOMERS} SELECT COUNT(*) AS n FROM customers c{clause}");
    let mut count = sqlx::query(&sql);
    for value in &binds {
        count = count.bind(value.clone());
    }
    let total: i64 = count
        .fetch_one(db.pool())
        .await
        .context("Failed to count the matching customers")?
        .try_get("n")
        .context("Failed to read the count of customers")?;
    let customers = rows(
        db,
        clause,
        &binds,
        i64::from(PAGE_SIZE),
        i64::from(page - 1) * i64::from(PAGE_SIZE),
    )
    .await?;
    Ok(CustomersPage {
        customers,
        page,
        page_size: PAGE_SIZE,
        total,
    })
}

/// The customers matching `clause` (bound to `binds`), `limit` of them from `offset`, with the
/// money each spent.
async fn rows(
    db: &Db,
    clause: &str,
    binds: &[String],
    limit: i64,
    offset: i64,
) -> anyhow::Result<Vec<CustomerRow>> {
    let sql = format!(
        "{CUSTOMERS},
         order_stats AS (
           SELECT LOWER(email) AS email, COUNT(*) AS orders,
             SUM(CASE WHEN status IN {PAID_STATUSES} THEN 1 ELSE 0 END) AS paid_orders,
             MAX(created_at) AS last_order_at
           FROM orders GROUP BY LOWER(email)
         ),
         esim_stats AS (SELECT LOWER(email) AS email, COUNT(*) AS esims FROM esims GROUP BY LOWER(email))
         SELECT c.email, c.last_active_at, a.created_at AS account_created_at, a.last_sign_in_at,
           CAST(COALESCE(os.orders, 0) AS BIGINT) AS orders,
           CAST(COALESCE(os.paid_orders, 0) AS BIGINT) AS paid_orders,
           os.last_order_at,
           CAST(COALESCE(es.esims, 0) AS BIGINT) AS esims
         FROM customers c
           LEFT JOIN accounts a ON LOWER(a.email) = c.email
           LEFT JOIN order_stats os ON os.email = c.email
           LEFT JOIN esim_stats es ON es.email = c.email{clause}
         ORDER BY c.last_active_at DESC, c.email
         LIMIT ${} OFFSET ${}",
        binds.len() + 1,
        binds.len() + 2
    );
    let mut query = sqlx::query(&sql);
    for value in binds {
        query = query.bind(value.clone());
    }
    let found = query
        .bind(limit)
        .bind(offset)
        .fetch_all(db.pool())
        .await
        .context("Failed to search the customers")?;
    let mut customers = found
        .iter()
        .map(customer_row)
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .context("Failed to read a customer")?;
    let mut spent = spent(db, &customers).await?;
    for customer in &mut customers {
        customer.spent = spent.remove(&customer.email).unwrap_or_default();
    }
    Ok(customers)
}

fn customer_row(row: &AnyRow) -> Result<CustomerRow, sqlx::Error> {
    let account_created_at: Option<i64> = row.try_get("account_created_at")?;
    let last_sign_in_at: Option<i64> = row.try_get("last_sign_in_at")?;
    Ok(CustomerRow {
        email: row.try_get("email")?,
        account: account_created_at.map(|created_at| CustomerAccount {
            created_at,
            last_sign_in_at,
        }),
        orders: row.try_get("orders")?,
        paid_orders: row.try_get("paid_orders")?,
        spent: Vec::new(),
        esims: row.try_get("esims")?,
        last_order_at: row.try_get("last_order_at")?,
        last_active_at: row.try_get("last_active_at")?,
    })
}

/// What each of `customers` spent, by email, one entry per currency: every paid order's amount,
/// less what was given back of refunded orders (`refund_minor` when only part was refunded, else
/// the whole amount), like the dashboard's revenue.
async fn spent(db: &Db, customers: &[CustomerRow]) -> anyhow::Result<BTreeMap<String, Vec<Money>>> {
    let mut spent: BTreeMap<String, Vec<Money>> = BTreeMap::new();
    if customers.is_empty() {
        return Ok(spent);
    }
    let placeholders = (1..=customers.len())
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT LOWER(email) AS email, currency,
           CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS taken,
           CAST(COALESCE(SUM(CASE WHEN status = 'refunded'
                                  THEN COALESCE(refund_minor, amount_minor) ELSE 0 END), 0) AS BIGINT) AS refunded
         FROM orders
         WHERE status IN {PAID_STATUSES} AND LOWER(email) IN ({placeholders})
         GROUP BY LOWER(email), currency ORDER BY currency"
    );
    let mut query = sqlx::query(&sql);
    for customer in customers {
        query = query.bind(customer.email.clone());
    }
    let rows = query
        .fetch_all(db.pool())
        .await
        .context("Failed to sum what the customers spent")?;
    for row in &rows {
        let email: String = row.try_get("email").context("Failed to read the email")?;
        let currency: String = row
            .try_get("currency")
            .context("Failed to read the currency")?;
        let currency = Currency::parse(&currency)
            .with_context(|| format!("Failed to read the currency {currency:?}"))?;
        let taken: i64 = row
            .try_get("taken")
            .context("Failed to read the amount taken")?;
        let refunded: i64 = row
            .try_get("refunded")
            .context("Failed to read the amount refunded")?;
        spent
            .entry(email)
            .or_default()
            .push(Money::new(taken - refunded, currency));
    }
    Ok(spent)
}

/// The customer with this email (any case): their figures, every eSIM with its packages, and
/// every order; `None` when the address has neither an order nor an account.
pub async fn detail(db: &Db, email: &str) -> anyhow::Result<Option<CustomerDetail>> {
    let email = email.trim().to_lowercase();
    if email.is_empty() || email.chars().count() > MAX_QUERY_LEN * 2 {
        return Ok(None);
    }
    let Some(summary) = rows(
        db,
        " WHERE c.email = $1",
        std::slice::from_ref(&email),
        1,
        0,
    )
    .await
    .context("Failed to load the customer")?
    .pop() else {
        return Ok(None);
    };
    Ok(Some(CustomerDetail {
        summary,
        esims: esims(db, &email).await?,
        orders: orders(db, &email).await?,
    }))
}

async fn esims(db: &Db, email: &str) -> anyhow::Result<Vec<CustomerEsim>> {
    let rows = sqlx::query(
        "SELECT iccid, provider, label, destination, state, order_id, created_at, synced_at
         FROM esims WHERE LOWER(email) = $1 ORDER BY created_at DESC, iccid",
    )
    .bind(email)
    .fetch_all(db.pool())
    .await
    .context("Failed to load the customer's eSIMs")?;
    let mut packages = packages(db, email).await?;
    rows.iter()
        .map(|row| {
            let iccid: String = row.try_get("iccid")?;
            let state: String = row.try_get("state")?;
            Ok(CustomerEsim {
                packages: packages.remove(&iccid).unwrap_or_default(),
                state: EsimState::parse(&state)
                    .with_context(|| format!("Failed to read the eSIM state {state:?}"))?,
                iccid,
                provider: row.try_get("provider")?,
                label: row.try_get("label")?,
                destination: row.try_get("destination")?,
                order_id: row.try_get("order_id")?,
                created_at: row.try_get("created_at")?,
                synced_at: row.try_get("synced_at")?,
            })
        })
        .collect::<anyhow::Result<_>>()
        .context("Failed to read an eSIM of the customer")
}

/// The packages on the customer's eSIMs, by ICCID, newest first.
async fn packages(db: &Db, email: &str) -> anyhow::Result<BTreeMap<String, Vec<CustomerPackage>>> {
    let rows = sqlx::query(
        "SELECT p.id, p.iccid, p.name, p.state, p.limit_bytes, p.used_bytes, p.bought_at,
           p.activated_at, p.expires_at, p.order_id
         FROM esim_packages p JOIN esims e ON e.iccid = p.iccid
         WHERE LOWER(e.email) = $1
         ORDER BY COALESCE(p.bought_at, p.updated_at) DESC, p.id",
    )
    .bind(email)
    .fetch_all(db.pool())
    .await
    .context("Failed to load the packages of the customer's eSIMs")?;
    let mut packages: BTreeMap<String, Vec<CustomerPackage>> = BTreeMap::new();
    for row in &rows {
        let package = package(row).context("Failed to read a package of the customer's eSIMs")?;
        let iccid: String = row
            .try_get("iccid")
            .context("Failed to read a package's ICCID")?;
        packages.entry(iccid).or_default().push(package);
    }
    Ok(packages)
}

fn package(row: &AnyRow) -> anyhow::Result<CustomerPackage> {
    let state: String = row.try_get("state")?;
    Ok(CustomerPackage {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        state: PackageState::parse(&state)
            .with_context(|| format!("Failed to read the package state {state:?}"))?,
        usage: PackageUsage {
            // Stored as BIGINT; a negative figure from a provider means nothing, so it reads as 0.
            limit_bytes: row
                .try_get::<Option<i64>, _>("limit_bytes")?
                .map(|bytes| bytes.max(0) as u64),
            used_bytes: row.try_get::<i64, _>("used_bytes")?.max(0) as u64,
        },
        bought_at: row.try_get("bought_at")?,
        activated_at: row.try_get("activated_at")?,
        expires_at: row.try_get("expires_at")?,
        order_id: row.try_get("order_id")?,
    })
}

async fn orders(db: &Db, email: &str) -> anyhow::Result<Vec<OrderRow>> {
    let rows = sqlx::query(
        "SELECT id, created_at, email, plan_title, provider, status, currency, amount_minor,
           COALESCE(iccid, topup_iccid) AS iccid
         FROM orders WHERE LOWER(email) = $1 ORDER BY created_at DESC, id DESC",
    )
    .bind(email)
    .fetch_all(db.pool())
    .await
    .context("Failed to load the customer's orders")?;
    rows.iter()
        .map(super::orders::order_row)
        .collect::<anyhow::Result<_>>()
        .context("Failed to read an order of the customer")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::test_db;
    use domain::admin::Paged;

    /// An order by `email` in `status` for `amount_minor`, created at `at`; its id.
    async fn order(db: &Db, email: &str, status: &str, amount_minor: i64, at: i64) -> String {
        let id = test_db::order(db, status, at).await;
        sqlx::query(
            "UPDATE orders SET email = $1, amount_minor = $2, created_at = $3 WHERE id = $4",
        )
        .bind(email)
        .bind(amount_minor)
        .bind(at)
        .bind(&id)
        .execute(db.pool())
        .await
        .unwrap();
        id
    }

    async fn account(db: &Db, email: &str, created_at: i64, last_sign_in_at: Option<i64>) {
        sqlx::query(
            "INSERT INTO accounts (id, email, created_at, last_sign_in_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(crate::ids::new_id("acc"))
        .bind(email)
        .bind(created_at)
        .bind(last_sign_in_at)
        .execute(db.pool())
        .await
        .unwrap();
    }

    /// An eSIM from `order_id` with one 1 GB package, a quarter used.
    async fn esim(db: &Db, iccid: &str, order_id: &str, email: &str) {
        sqlx::query(
            "INSERT INTO esims (iccid, provider, order_id, email, label, destination, smdp_address,
               matching_id, state, next_sync_at, sync_failures, created_at)
             VALUES ($1, 'esimfx', $2, $3, 'Japan', 'Japan', 'smdp.example', 'M-1', 'ACTIVE', 0, 0, 5)",
        )
        .bind(iccid)
        .bind(order_id)
        .bind(email)
        .execute(db.pool())
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO esim_packages (id, iccid, order_id, product_id, name, state, limit_bytes,
               used_bytes, bought_at, alerted_percent, updated_at)
             VALUES ($1, $2, $3, 'JP_1G', 'Japan 1 GB', 'ACTIVE', 1073741824, 268435456, 5, 0, 5)",
        )
        .bind(format!("pkg-{iccid}"))
        .bind(iccid)
        .bind(order_id)
        .execute(db.pool())
        .await
        .unwrap();
    }

    fn emails(page: &CustomersPage) -> Vec<&str> {
        page.customers.iter().map(|c| c.email.as_str()).collect()
    }

    #[test]
    fn search_text_is_bound_and_its_wildcards_are_literal() {
        let (sql, binds) = condition("50%_off'; DROP TABLE orders; --");
        assert!(!sql.contains("DROP"), "{sql}");
        assert_eq!(binds[0], "%50!%!_off'; drop table orders; --%");
        assert_eq!(binds[1], "50%_off'; DROP TABLE orders; --");
        assert_eq!(condition(""), ("", vec![]));
    }

    #[tokio::test]
    async fn customers_are_found_by_email_iccid_or_order_id_most_recent_first() {
        let db = test_db::fresh().await;
        let sarah = order(&db, "Sarah@Example.com", "ready", 450, 1_000).await;
        esim(&db, "8944000000000000001", &sarah, "Sarah@Example.com").await;
        let tom = order(&db, "tom@example.org", "ready", 900, 2_000).await;
        // An account without any order is a customer too; signing in counts as activity.
        account(&db, "nora@example.net", 500, Some(3_000)).await;

        let all = search(&db, "  ", 1).await.unwrap();
        assert_eq!(all.total, 3);
        assert_eq!(
            emails(&all),
            ["nora@example.net", "tom@example.org", "sarah@example.com"]
        );
        for query in [
            "SARAH@",
            "example.com",
            "8944000000000000001",
            sarah.as_str(),
        ] {
            let found = search(&db, query, 1).await.unwrap();
            assert_eq!(
                (emails(&found), found.total),
                (vec!["sarah@example.com"], 1),
                "{query}"
            );
        }
        // Only an exact ICCID or order id finds anyone by them.
        assert_eq!(search(&db, "894400000000000000", 1).await.unwrap().total, 0);
        assert_eq!(
            search(&db, &tom[..tom.len() - 1], 1).await.unwrap().total,
            0
        );
        // `_` and `%` are letters, not wildcards.
        assert_eq!(search(&db, "tom_example", 1).await.unwrap().total, 0);
        assert_eq!(search(&db, "%", 1).await.unwrap().total, 0);
        assert!(matches!(
            search(&db, &"x".repeat(MAX_QUERY_LEN + 1), 1).await,
            Err(SearchError::QueryTooLong)
        ));

        let nora = &all.customers[0];
        assert_eq!(
            nora.account,
            Some(CustomerAccount {
                created_at: 500,
                last_sign_in_at: Some(3_000)
            })
        );
        assert_eq!((nora.orders, nora.esims, nora.last_order_at), (0, 0, None));
        assert!(nora.spent.is_empty());
        let sarah_row = &all.customers[2];
        assert_eq!(sarah_row.account, None);
        assert_eq!(
            (sarah_row.orders, sarah_row.paid_orders, sarah_row.esims),
            (1, 1, 1)
        );
        assert_eq!(sarah_row.last_order_at, Some(1_000));
    }

    #[tokio::test]
    async fn spent_counts_paid_orders_less_refunds() {
        let db = test_db::fresh().await;
        let email = "sarah@example.com";
        order(&db, email, "ready", 450, 1).await;
        order(&db, "SARAH@example.com", "refunding", 300, 2).await;
        let partly = order(&db, email, "refunded", 1_000, 3).await;
        sqlx::query("UPDATE orders SET refund_minor = 400 WHERE id = $1")
            .bind(&partly)
            .execute(db.pool())
            .await
            .unwrap();
        order(&db, email, "refunded", 200, 4).await;
        order(&db, email, "awaiting_payment", 5_000, 5).await;
        order(&db, email, "expired", 5_000, 6).await;

        let row = search(&db, email, 1).await.unwrap().customers.remove(0);
        assert_eq!((row.orders, row.paid_orders), (6, 4));
        // 450 + 300 + (1000 - 400) + (200 - 200); unpaid orders took nothing.
        assert_eq!(
            row.spent,
            vec![Money::new(1_350, Currency::parse("USD").unwrap())]
        );
        assert_eq!(row.last_active_at, 6);
    }

    #[tokio::test]
    async fn pages_hold_twenty_five_customers() {
        let db = test_db::fresh().await;
        for n in 0..(PAGE_SIZE + 2) {
            account(&db, &format!("t{n:02}@example.com"), i64::from(n), None).await;
        }
        let first = search(&db, "example", 1).await.unwrap();
        assert_eq!((first.customers.len(), first.total), (25, 27));
        assert!(first.has_next());
        assert_eq!(first.customers[0].email, "t26@example.com");
        let second = search(&db, "example", 2).await.unwrap();
        assert_eq!(emails(&second), ["t01@example.com", "t00@example.com"]);
        assert!(!second.has_next());
        assert_eq!(search(&db, "example", 0).await.unwrap().page, 1);
    }

    #[tokio::test]
    async fn the_detail_has_every_esim_package_and_order() {
        let db = test_db::fresh().await;
        assert_eq!(detail(&db, "nobody@example.com").await.unwrap(), None);
        let first = order(&db, "Sarah@Example.com", "ready", 450, 1_000).await;
        esim(&db, "8944000000000000001", &first, "Sarah@Example.com").await;
        let second = order(&db, "sarah@example.com", "failed", 450, 2_000).await;
        order(&db, "tom@example.org", "ready", 900, 3_000).await;

        let customer = detail(&db, " SARAH@example.com ").await.unwrap().unwrap();
        assert_eq!(customer.summary.email, "sarah@example.com");
        let ids: Vec<_> = customer.orders.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, [second.as_str(), first.as_str()]);
        assert_eq!(
            customer.orders[1].iccid, None,
            "no ICCID stored on the order itself"
        );
        assert_eq!(customer.esims.len(), 1);
        let esim = &customer.esims[0];
        assert_eq!(
            (esim.iccid.as_str(), esim.state),
            ("8944000000000000001", EsimState::Active)
        );
        assert_eq!(esim.order_id, first);
        assert_eq!(esim.packages.len(), 1);
        assert_eq!(esim.packages[0].usage.used_percent(), Some(25));
        assert_eq!(esim.packages[0].order_id.as_deref(), Some(first.as_str()));

        // An account alone is a customer.
        account(&db, "nora@example.net", 500, None).await;
        let nora = detail(&db, "nora@example.net").await.unwrap().unwrap();
        assert!(nora.orders.is_empty() && nora.esims.is_empty());
        assert!(nora.summary.account.is_some());
    }
}
