//! Random identifiers and secrets.

/// `ord_3f9c…`: a prefix saying what it is, then 128 random bits.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

/// A 244-bit secret for links that open an order without signing in.
pub fn new_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Compares secrets in time independent of where they differ.
pub fn secrets_match(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_prefixed_and_unique() {
        let (a, b) = (new_id("ord"), new_id("ord"));
        assert!(a.starts_with("ord_") && a.len() == 36);
        assert_ne!(a, b);
        assert_ne!(new_secret(), new_secret());
    }

    #[test]
    fn secrets_compare_by_value() {
        assert!(secrets_match("abc", "abc"));
        assert!(!secrets_match("abc", "abd"));
        assert!(!secrets_match("abc", "abcd"));
    }
}
