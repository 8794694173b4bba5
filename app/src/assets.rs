//! The built site's file names. With `hash-files`, cargo-leptos names the stylesheet, script and
//! WebAssembly after their content (`tern.3f9a….css`), so browsers may keep them for a year, and
//! lists the hashes in a file beside the server binary. The names are read once, at start.

use leptos::config::LeptosOptions;
use std::sync::OnceLock;

static STYLESHEET: OnceLock<String> = OnceLock::new();

/// Reads the built names for `options`; the first call in a process wins.
pub fn init(options: &LeptosOptions) {
    STYLESHEET.get_or_init(|| {
        let hash = options
            .hash_files
            .then(|| content_hash(options, "css"))
            .flatten();
        let name = match hash {
            Some(hash) => format!("{}.{hash}.css", options.output_name),
            None => format!("{}.css", options.output_name),
        };
        format!("/{}/{name}", options.site_pkg_dir)
    });
}

/// The stylesheet's address, e.g. `/pkg/tern.3f9a….css`.
pub fn stylesheet_href() -> &'static str {
    STYLESHEET
        .get()
        .map(String::as_str)
        .unwrap_or("/pkg/tern.css")
}

/// The hash cargo-leptos recorded for `kind` (`css`, `js`, `wasm`): lines of `kind: hash`.
fn content_hash(options: &LeptosOptions, kind: &str) -> Option<String> {
    let dir = std::env::current_exe().ok()?.parent()?.to_path_buf();
    let hashes = std::fs::read_to_string(dir.join(options.hash_file.as_ref())).ok()?;
    parse_hash(&hashes, kind)
}

fn parse_hash(hashes: &str, kind: &str) -> Option<String> {
    hashes.lines().find_map(|line| {
        let (file, hash) = line.split_once(':')?;
        (file.trim() == kind).then(|| hash.trim().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::parse_hash;

    #[test]
    fn reads_each_kind_from_the_hash_file() {
        let file = "js: 1a2b\nwasm: 3c4d\ncss: 5e6f\n";
        assert_eq!(parse_hash(file, "css").as_deref(), Some("5e6f"));
        assert_eq!(parse_hash(file, "wasm").as_deref(), Some("3c4d"));
        assert_eq!(parse_hash(file, "svg"), None);
    }
}
