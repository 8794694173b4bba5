//! Reading `/esims/assignments` answers (esimgo.md §2.7, seed 001): JSON with camelCase
//! (`matchingId`) or spaced (`Matching ID`) keys, as one object or an array; CSV with
//! `"ICCID","Matching ID","RSP URL","Bundle"`; or a ZIP holding that CSV beside PNG QR codes
//! (the PNGs are for people; the LPA is rebuilt from the SM-DP+ address and matching id).

use std::io::Read;

use domain::{ActivationCode, Iccid};
use serde_json::Value;

use super::{assumed, csv};

/// One eSIM's install data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Installable {
    pub(crate) iccid: Iccid,
    pub(crate) activation: ActivationCode,
}

/// A key with case, spaces, dashes and underscores dropped: `Matching ID` → `matchingid`.
fn normalised(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `RSP URL` may be a bare host, a URL, or a whole LPA string.
fn smdp_host(text: &str) -> &str {
    let text = text.trim();
    let text = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .unwrap_or(text);
    text.trim_end_matches('/')
}

/// One eSIM from named fields, whichever spelling they use.
fn installable(get: impl Fn(&str) -> Option<String>) -> Result<Installable, String> {
    let iccid_text = get("iccid").ok_or("an assignment without an ICCID")?;
    let iccid = Iccid::parse(&iccid_text).map_err(|e| e.to_string())?;
    let rsp = get("rspurl");
    if let Some(lpa) = rsp.as_deref().filter(|r| r.trim().starts_with("LPA:")) {
        let activation =
            ActivationCode::parse_lpa(lpa).map_err(|e| format!("eSIM {iccid}: {e}"))?;
        return Ok(Installable { iccid, activation });
    }
    let smdp = get("smdpaddress")
        .or(rsp)
        .ok_or_else(|| format!("eSIM {iccid} has no SM-DP+ address"))?;
    let matching = get("matchingid").ok_or_else(|| format!("eSIM {iccid} has no matching id"))?;
    let activation = ActivationCode::new(smdp_host(&smdp), &matching)
        .map_err(|e| format!("eSIM {iccid}: {e}"))?;
    Ok(Installable { iccid, activation })
}

fn from_json_object(object: &serde_json::Map<String, Value>) -> Result<Installable, String> {
    installable(|wanted| {
        object
            .iter()
            .find(|(key, _)| normalised(key) == wanted)
            .and_then(|(_, value)| match value {
                Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
    })
}

fn from_json(body: &[u8]) -> Result<Vec<Installable>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("assignments are not JSON: {e}"))?;
    match value {
        Value::Object(object) => Ok(vec![from_json_object(&object)?]),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_object()
                    .ok_or_else(|| "an assignment that is not an object".to_owned())
                    .and_then(from_json_object)
            })
            .collect(),
        other => Err(format!("assignments are neither object nor array: {other}")),
    }
}

fn from_csv(text: &str) -> Result<Vec<Installable>, String> {
    let records = csv::records(text)?;
    let Some((header, rows)) = records.split_first() else {
        return Ok(Vec::new());
    };
    let columns: Vec<String> = header.iter().map(|h| normalised(h)).collect();
    rows.iter()
        .map(|row| {
            installable(|wanted| {
                columns
                    .iter()
                    .position(|c| c == wanted)
                    .and_then(|i| row.get(i))
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
            })
        })
        .collect()
}

fn from_zip(body: &[u8]) -> Result<Vec<Installable>, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(body))
        .map_err(|e| format!("assignments ZIP cannot be opened: {e}"))?;
    let csv_name = archive
        .file_names()
        .find(|name| name.to_ascii_lowercase().ends_with(".csv"))
        .map(str::to_owned)
        .ok_or("assignments ZIP holds no CSV")?;
    let mut entry = archive.by_name(&csv_name).map_err(|e| {
        let hint = if assumed::ZIP_STORED_ONLY {
            " (only uncompressed entries are read)"
        } else {
            ""
        };
        format!("assignments ZIP entry {csv_name} cannot be read: {e}{hint}")
    })?;
    let mut text = String::new();
    entry
        .read_to_string(&mut text)
        .map_err(|e| format!("assignments ZIP entry {csv_name} is not text: {e}"))?;
    from_csv(&text)
}

/// Every eSIM in an assignments answer, by its content type (or, failing that, its first bytes).
pub(crate) fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Installable>, String> {
    let content_type = content_type.to_ascii_lowercase();
    let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
    if content_type.contains("zip") || body.starts_with(b"PK\x03\x04") {
        from_zip(body)
    } else if content_type.contains("json") || matches!(first, Some(b'{' | b'[')) {
        from_json(body)
    } else {
        let text = std::str::from_utf8(body).map_err(|e| format!("assignments CSV: {e}"))?;
        from_csv(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const ICCID: &str = "8943108165005471086";

    fn lpa(found: &[Installable]) -> Vec<(String, String)> {
        found
            .iter()
            .map(|i| (i.iccid.to_string(), i.activation.lpa()))
            .collect()
    }

    fn documented() -> Vec<(String, String)> {
        vec![(
            ICCID.to_owned(),
            "LPA:1$rsp.truphone.com$JQ-1Z351U-1U6E44B".to_owned(),
        )]
    }

    #[test]
    fn camel_case_json_object_as_in_the_notes() {
        let body = br#"{ "iccid": "8943108165005471086", "matchingId": "JQ-1Z351U-1U6E44B",
            "smdpAddress": "rsp.truphone.com", "profileStatus": "Released", "pin": "1234",
            "puk": "12345678", "firstInstalledDateTime": null }"#;
        assert_eq!(lpa(&parse("application/json", body).unwrap()), documented());
    }

    #[test]
    fn spaced_keys_and_arrays_as_the_seed_describes() {
        let spaced = br#"[{ "ICCID": "8943108165005471086", "Matching ID": "JQ-1Z351U-1U6E44B",
            "SMDP Address": "rsp.truphone.com" }]"#;
        assert_eq!(
            lpa(&parse("application/json", spaced).unwrap()),
            documented()
        );
        let rsp_only = br#"{ "ICCID": "8943108165005471086", "Matching ID": "JQ-1Z351U-1U6E44B",
            "RSP URL": "https://rsp.truphone.com/" }"#;
        assert_eq!(lpa(&parse("", rsp_only).unwrap()), documented());
        let rsp_lpa = br#"{ "ICCID": "8943108165005471086",
            "RSP URL": "LPA:1$rsp.truphone.com$JQ-1Z351U-1U6E44B" }"#;
        assert_eq!(
            lpa(&parse("application/json", rsp_lpa).unwrap()),
            documented()
        );
        let two = br#"[{"iccid":"8943108165005471086","matchingId":"A","smdpAddress":"h"},
                       {"iccid":"8943108165005471094","matchingId":"B","smdpAddress":"h"}]"#;
        assert_eq!(parse("application/json", two).unwrap().len(), 2);
    }

    #[test]
    fn csv_with_the_documented_columns() {
        let body = "\"ICCID\",\"Matching ID\",\"RSP URL\",\"Bundle\"\r\n\
                    \"8943108165005471086\",\"JQ-1Z351U-1U6E44B\",\"rsp.truphone.com\",\"esim_1GB_7D_GB_V2\"\r\n";
        assert_eq!(
            lpa(&parse("text/csv", body.as_bytes()).unwrap()),
            documented()
        );
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_is_read_through_its_csv() {
        let csv = "\"ICCID\",\"Matching ID\",\"RSP URL\",\"Bundle\"\n\
                   \"8943108165005471086\",\"JQ-1Z351U-1U6E44B\",\"rsp.truphone.com\",\"esim_1GB_7D_GB_V2\"\n";
        let body = zip_of(&[
            ("8943108165005471086.png", b"\x89PNG\r\n\x1a\n"),
            ("esims.csv", csv.as_bytes()),
        ]);
        assert_eq!(lpa(&parse("application/zip", &body).unwrap()), documented());
        // Recognised by its signature even when the content type says nothing.
        assert_eq!(lpa(&parse("", &body).unwrap()), documented());
        let no_csv = zip_of(&[("qr.png", b"\x89PNG")]);
        assert!(parse("application/zip", &no_csv).is_err());
    }

    #[test]
    fn unusable_answers_say_why() {
        for (content_type, body) in [
            (
                "application/json",
                &br#"{"matchingId":"A","smdpAddress":"h"}"#[..],
            ),
            (
                "application/json",
                br#"{"iccid":"12","matchingId":"A","smdpAddress":"h"}"#,
            ),
            (
                "application/json",
                br#"{"iccid":"8943108165005471086","smdpAddress":"h"}"#,
            ),
            (
                "application/json",
                br#"{"iccid":"8943108165005471086","matchingId":"A"}"#,
            ),
            ("application/json", b"\"text\""),
            ("application/json", b"{"),
            ("application/zip", b"PK\x03\x04 not really"),
            (
                "text/csv",
                b"\"ICCID\",\"Matching ID\"\n\"8943108165005471086\",\"A\"\n",
            ),
        ] {
            assert!(
                parse(content_type, body).is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
