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

/// Secrets are stored only as their SHA-256, so a copy of the database opens nothing.
pub fn hash_secret(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
    fn secrets_hash_to_hex() {
        let hash = hash_secret("abc");
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, hash_secret("abd"));
    }
}
