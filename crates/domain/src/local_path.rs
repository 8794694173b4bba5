//! Paths on this site that a browser may be sent to: the `next` of sign-in links and forms. One
//! rule for every place a `next` is rendered or redirected to, so none can point off the site or
//! run script.

use std::fmt;

/// Longer values are refused: no page of the shop needs one, and they only bloat links and rows.
pub const MAX_LEN: usize = 300;

/// Where a traveller lands after signing in when no (valid) `next` was given.
pub const TRAVELLER_HOME: &str = "/my-esims";

/// Where an admin lands after signing in when no (valid) admin `next` was given.
pub const ADMIN_HOME: &str = "/admin";

/// A path on this site (with an optional query and fragment): starts with one `/`, holds only
/// visible ASCII, and neither as written nor once (or twice) percent-decoded can a browser or a
/// server read it as another host (`//host`, `/\host`), a scheme, or a walk out of the path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LocalPath(String);

/// Why a `next` was refused; never shown to anyone, the fallback is used instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidLocalPath {
    #[error("empty")]
    Empty,
    #[error("longer than {MAX_LEN} characters")]
    TooLong,
    #[error("does not start with a single `/`")]
    NotRooted,
    /// Whitespace, control characters (browsers drop tab, CR and LF, so `/\t/host` becomes
    /// `//host`), non-ASCII, or a backslash (read as `/` by browsers).
    #[error("holds a character a path on this site never needs")]
    BadCharacter,
    /// `.` or `..` segments, or a `//` that percent-decoding would reveal.
    #[error("could be read as another place once decoded")]
    Ambiguous,
}

impl LocalPath {
    /// Checks `raw` as written: the value is used as it is, never trimmed or rewritten.
    pub fn parse(raw: &str) -> Result<LocalPath, InvalidLocalPath> {
        if raw.is_empty() {
            return Err(InvalidLocalPath::Empty);
        }
        if raw.len() > MAX_LEN {
            return Err(InvalidLocalPath::TooLong);
        }
        if !raw.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') {
            return Err(InvalidLocalPath::BadCharacter);
        }
        let path = raw.split(['?', '#']).next().unwrap_or_default();
        // A server (or proxy) that decodes the path before acting on it must not find another
        // host in it either: `/%2F%2Fhost`, `/%5Chost`, `/%252F%252Fhost`.
        let mut decoded = path.as_bytes().to_vec();
        for _ in 0..3 {
            check_path(&decoded)?;
            let next = percent_decode(&decoded);
            if next == decoded {
                return Ok(LocalPath(raw.to_owned()));
            }
            decoded = next;
        }
        // Still changing after three decodings: nothing real is encoded that deep.
        Err(InvalidLocalPath::Ambiguous)
    }

    /// Whether this is `prefix` itself or a page under it (`/admin`, `/admin/…`, `/admin?…`),
    /// not merely a path that starts with the same letters (`/administrator`).
    pub fn is_under(&self, prefix: &str) -> bool {
        self.0
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for LocalPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The traveller's or visitor's `next` if it is a [`LocalPath`], otherwise `fallback`.
pub fn safe_next(next: Option<&str>, fallback: &str) -> String {
    next.and_then(|raw| LocalPath::parse(raw).ok())
        .map_or_else(|| fallback.to_owned(), LocalPath::into_string)
}

/// An admin's `next`: a [`LocalPath`] under `/admin` (not the sign-in page itself, which would
/// loop), otherwise the dashboard.
pub fn safe_admin_next(next: Option<&str>) -> String {
    next.and_then(|raw| LocalPath::parse(raw).ok())
        .filter(|path| path.is_under(ADMIN_HOME) && !path.is_under("/admin/sign-in"))
        .map_or_else(|| ADMIN_HOME.to_owned(), LocalPath::into_string)
}

/// The checks on the path part, as written or decoded (so on bytes: decoding may yield any).
fn check_path(path: &[u8]) -> Result<(), InvalidLocalPath> {
    if path.first() != Some(&b'/') || path.get(1) == Some(&b'/') {
        return Err(InvalidLocalPath::NotRooted);
    }
    if path
        .iter()
        .any(|&b| b == b'\\' || b.is_ascii_control() || b.is_ascii_whitespace())
    {
        return Err(InvalidLocalPath::BadCharacter);
    }
    if path
        .split(|&b| b == b'/')
        .any(|segment| segment == b"." || segment == b"..")
    {
        return Err(InvalidLocalPath::Ambiguous);
    }
    Ok(())
}

/// Decodes `%XX` escapes once; anything else (a lone `%`, bad hex) is kept as it is.
fn percent_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let escaped = (input[i] == b'%')
            .then(|| input.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(input[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_on_this_site_are_kept_as_written() {
        for path in [
            "/",
            "/my-esims",
            "/my-esims/8944000000000000001",
            "/my-esims/8944000000000000001/top-up",
            "/admin/audit?page=2",
            "/admin/customers/sarah%2Btrip%40example.com",
            "/esim/japan#plans",
            "/admin/orders?q=a%2Fb",
            "/sign-in?next=/my-esims",
        ] {
            assert_eq!(
                LocalPath::parse(path).map(|p| p.into_string()),
                Ok(path.to_owned())
            );
        }
    }

    #[test]
    fn schemes_and_other_hosts_are_refused() {
        for nasty in [
            "javascript:alert(document.domain)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "https://evil.example",
            "//evil.example",
            "///evil.example",
            "evil.example",
            "my-esims",
            "",
        ] {
            assert!(LocalPath::parse(nasty).is_err(), "{nasty:?} refused");
        }
    }

    #[test]
    fn characters_browsers_drop_or_reinterpret_are_refused() {
        for nasty in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\r\n/evil.example",
            " //evil.example",
            "/ /evil.example",
            "\t//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/my-esims\\..\\..",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{2215}\u{2215}evil.example",
            "/\u{ff0f}evil.example",
            "/my-esims?next=\u{a0}x",
        ] {
            assert_eq!(
                LocalPath::parse(nasty),
                Err(InvalidLocalPath::BadCharacter),
                "{nasty:?} refused"
            );
        }
    }

    #[test]
    fn hosts_hidden_by_percent_encoding_are_refused() {
        for nasty in [
            "/%2F%2Fevil.example",
            "/%2f/evil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/%09/evil.example",
            "/%0D%0ALocation:%20https://evil.example",
            "/%252F%252Fevil.example",
            "/%25252F%25252Fevil.example",
            "/%2525252F%2525252Fevil.example",
            "/a/%2E%2E/%2E%2E//evil.example",
        ] {
            assert!(LocalPath::parse(nasty).is_err(), "{nasty:?} refused");
        }
    }

    #[test]
    fn dot_segments_are_refused() {
        for nasty in [
            "/..//evil.example",
            "/./",
            "/my-esims/..",
            "/a/%2e%2e/admin",
        ] {
            assert_eq!(
                LocalPath::parse(nasty),
                Err(InvalidLocalPath::Ambiguous),
                "{nasty:?} refused"
            );
        }
        assert!(LocalPath::parse("/esim/st.kitts").is_ok());
        assert!(LocalPath::parse("/a/...").is_ok());
    }

    #[test]
    fn over_long_values_are_refused() {
        let long = format!("/{}", "a".repeat(MAX_LEN));
        assert_eq!(LocalPath::parse(&long), Err(InvalidLocalPath::TooLong));
        let longest = format!("/{}", "a".repeat(MAX_LEN - 1));
        assert!(LocalPath::parse(&longest).is_ok());
    }

    #[test]
    fn refused_values_fall_back() {
        assert_eq!(
            safe_next(Some("/my-esims/8944"), TRAVELLER_HOME),
            "/my-esims/8944"
        );
        assert_eq!(
            safe_next(Some("javascript:alert(document.domain)"), TRAVELLER_HOME),
            "/my-esims"
        );
        assert_eq!(
            safe_next(Some("/\t/evil.example"), TRAVELLER_HOME),
            "/my-esims"
        );
        assert_eq!(safe_next(None, "/"), "/");
    }

    #[test]
    fn admins_go_only_to_admin_pages() {
        assert_eq!(
            safe_admin_next(Some("/admin/audit?page=2")),
            "/admin/audit?page=2"
        );
        assert_eq!(safe_admin_next(Some("/admin")), "/admin");
        assert_eq!(safe_admin_next(Some("/admin?x=1")), "/admin?x=1");
        assert_eq!(safe_admin_next(Some("/my-esims")), "/admin");
        assert_eq!(safe_admin_next(Some("//evil.example/admin")), "/admin");
        assert_eq!(safe_admin_next(Some("/admin/\t/evil.example")), "/admin");
        assert_eq!(safe_admin_next(Some("/admin/sign-in")), "/admin");
        assert_eq!(
            safe_admin_next(Some("/admin/sign-in?next=/admin")),
            "/admin"
        );
        assert_eq!(safe_admin_next(Some("/administrator")), "/admin");
        assert_eq!(safe_admin_next(Some("/admin/../my-esims")), "/admin");
        assert_eq!(safe_admin_next(Some("javascript:alert(1)")), "/admin");
        assert_eq!(safe_admin_next(None), "/admin");
    }
}
