//! Building links on this site: query values, eSIM pages, admin order pages, and sign-in links
//! that come back.

/// Percent-encodes `text` for a query value; `/` stays as it is so paths remain readable.
pub fn query_value(text: &str) -> String {
    encode(text, true)
}

/// `/my-esims/{iccid}`, with the ICCID encoded as one path segment.
pub fn esim_href(iccid: &str) -> String {
    format!("/my-esims/{}", encode(iccid, false))
}

/// `/admin/orders/{id}`, the admin's page of one order, with the id encoded as one path segment.
pub fn admin_order_href(order_id: &str) -> String {
    format!("/admin/orders/{}", encode(order_id, false))
}

/// `/admin/catalogue/{code}`, the admin's page of one country's plans.
pub fn admin_catalogue_country_href(code: &str) -> String {
    format!(
        "/admin/catalogue/{}",
        encode(&code.trim().to_uppercase(), false)
    )
}

/// `/admin/prices?scope=…&value=…`, the margin editor for one scope ("global" needs no value).
pub fn admin_prices_href(scope: &str, value: &str) -> String {
    format!(
        "/admin/prices?scope={}&value={}",
        query_value(scope.trim()),
        query_value(value.trim())
    )
}

/// `/admin/customers/{email}`, the admin's page of one customer: customers are known by their
/// lower-cased email, encoded as one path segment.
pub fn admin_customer_href(email: &str) -> String {
    format!(
        "/admin/customers/{}",
        encode(&email.trim().to_lowercase(), false)
    )
}

/// The sign-in page, returning to `next` once signed in if it is a path on this site.
pub fn sign_in_href(next: &str) -> String {
    match domain::LocalPath::parse(next) {
        Ok(next) => format!("/sign-in?next={}", query_value(next.as_str())),
        Err(_) => "/sign-in".to_owned(),
    }
}

fn encode(text: &str, keep_slash: bool) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                encoded.push(char::from(byte))
            }
            b'/' if keep_slash => encoded.push('/'),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_keep_slashes_and_encode_the_rest() {
        assert_eq!(query_value("/my-esims/8944"), "/my-esims/8944");
        assert_eq!(
            query_value("sarah+trip@example.com"),
            "sarah%2Btrip%40example.com"
        );
        assert_eq!(query_value("a b&c#d"), "a%20b%26c%23d");
    }

    #[test]
    fn esim_links_keep_the_iccid_in_one_segment() {
        assert_eq!(
            esim_href("8944000000000000001"),
            "/my-esims/8944000000000000001"
        );
        assert_eq!(esim_href("../x"), "/my-esims/..%2Fx");
        assert_eq!(sign_in_href("/my-esims"), "/sign-in?next=/my-esims");
        assert_eq!(sign_in_href(&esim_href("89\n")), "/sign-in");
        assert_eq!(sign_in_href("javascript:alert(1)"), "/sign-in");
        assert_eq!(sign_in_href("/\t/evil.example"), "/sign-in");
        assert_eq!(admin_order_href("ord_1/2"), "/admin/orders/ord_1%2F2");
        assert_eq!(
            admin_customer_href(" Sarah+Trip/x@Example.com"),
            "/admin/customers/sarah%2Btrip%2Fx%40example.com"
        );
    }
}
