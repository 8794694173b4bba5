//! `GET /esims/assignments` (esimgo.md §2.7): the install data of an order's eSIMs as JSON,
//! CSV, or a ZIP holding that CSV and one PNG QR code per eSIM, chosen by `Accept`.

use std::io::Write;

use anyhow::Context;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use qrcode::{EcLevel, QrCode};
use serde_json::{json, Value};

use super::assumed;
use super::lifecycle::Esim;
use super::AssignmentFormat;

/// One eSIM's row: the eSIM and the bundle the order put on it.
pub(crate) struct Row<'a> {
    pub(crate) esim: &'a Esim,
    pub(crate) bundle: &'a str,
}

/// The format `Accept` asks for; CSV when it names none this endpoint offers.
pub(crate) fn negotiate(headers: &HeaderMap) -> AssignmentFormat {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if accept.contains("application/json") {
        AssignmentFormat::Json
    } else if accept.contains("application/zip") {
        AssignmentFormat::Zip
    } else {
        AssignmentFormat::Csv
    }
}

/// The answer in `format`.
pub(crate) fn render(rows: &[Row<'_>], format: AssignmentFormat) -> Response {
    match format {
        AssignmentFormat::Json => json_answer(rows, camel_case),
        AssignmentFormat::JsonSpacedKeys => json_answer(rows, spaced),
        AssignmentFormat::Csv => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/csv")],
            csv(rows),
        )
            .into_response(),
        AssignmentFormat::Zip => match zip(rows) {
            Ok(bytes) => (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, "application/zip"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"esims.zip\"",
                    ),
                ],
                bytes,
            )
                .into_response(),
            Err(error) => {
                tracing::error!(?error, "eSIM Go sandbox could not build the assignment ZIP");
                super::wire::ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Server Error")
                    .into_response()
            }
        },
    }
}

fn camel_case(row: &Row<'_>) -> Value {
    json!({
        "iccid": row.esim.iccid,
        "matchingId": row.esim.matching_id,
        "smdpAddress": assumed::SMDP_ADDRESS,
        "profileStatus": row.esim.profile_status,
        "pin": row.esim.pin,
        "puk": row.esim.puk,
        "firstInstalledDateTime": row.esim.first_installed_at,
        "bundle": row.bundle,
    })
}

/// The older spelling: no `SMDP Address`, the SM-DP+ host is only in `RSP URL`.
fn spaced(row: &Row<'_>) -> Value {
    json!({
        "ICCID": row.esim.iccid,
        "Matching ID": row.esim.matching_id,
        "RSP URL": assumed::SMDP_ADDRESS,
        "Bundle": row.bundle,
    })
}

fn json_answer(rows: &[Row<'_>], shape: fn(&Row<'_>) -> Value) -> Response {
    let body = match rows {
        [one] if assumed::SINGLE_ASSIGNMENT_AS_OBJECT => shape(one),
        many => Value::Array(many.iter().map(shape).collect()),
    };
    (StatusCode::OK, axum::Json(body)).into_response()
}

fn quoted(field: &str) -> String {
    format!("\"{}\"", field.replace('"', "\"\""))
}

fn csv(rows: &[Row<'_>]) -> String {
    let mut out = format!("{}\r\n", assumed::ASSIGNMENT_CSV_HEADER);
    for row in rows {
        let fields = [
            row.esim.iccid.as_str(),
            row.esim.matching_id.as_str(),
            assumed::SMDP_ADDRESS,
            row.bundle,
        ];
        out.push_str(&fields.map(quoted).join(","));
        out.push_str("\r\n");
    }
    out
}

/// The LPA string's QR code as a grayscale PNG, 4 pixels per module with a quiet zone.
fn qr_png(text: &str) -> anyhow::Result<Vec<u8>> {
    const SCALE: u32 = 4;
    const QUIET: u32 = 4;
    let code = QrCode::with_error_correction_level(text, EcLevel::M)
        .context("Failed to encode the QR code")?;
    let modules = code.width() as u32;
    let side = (modules + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; (side * side) as usize];
    for (index, color) in code.to_colors().iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (x, y) = (
            index as u32 % modules + QUIET,
            index as u32 / modules + QUIET,
        );
        for dy in 0..SCALE {
            let start = ((y * SCALE + dy) * side + x * SCALE) as usize;
            pixels[start..start + SCALE as usize].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .context("Failed to write the PNG header")?;
    writer
        .write_image_data(&pixels)
        .context("Failed to write the PNG")?;
    writer.finish().context("Failed to finish the PNG")?;
    Ok(out)
}

fn zip(rows: &[Row<'_>]) -> anyhow::Result<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    writer
        .start_file(assumed::ZIP_CSV_NAME, options)
        .context("Failed to start the CSV entry")?;
    writer
        .write_all(csv(rows).as_bytes())
        .context("Failed to write the CSV entry")?;
    for row in rows {
        let lpa = format!("LPA:1${}${}", assumed::SMDP_ADDRESS, row.esim.matching_id);
        writer
            .start_file(format!("{}.png", row.esim.iccid), options)
            .context("Failed to start a QR entry")?;
        writer
            .write_all(&qr_png(&lpa)?)
            .context("Failed to write a QR entry")?;
    }
    Ok(writer
        .finish()
        .context("Failed to finish the ZIP")?
        .into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn esim(iccid: &str) -> Esim {
        Esim {
            iccid: iccid.into(),
            matching_id: "JQ-1Z351U-1U6E44B".into(),
            pin: "1234".into(),
            puk: "12345678".into(),
            profile_status: assumed::PROFILE_RELEASED,
            first_installed_at: None,
            customer_ref: None,
            family: "V2/Europe".into(),
            assignments: Vec::new(),
            traffic_to: 0,
            traffic_carry: 0,
        }
    }

    #[test]
    fn csv_has_the_documented_header_and_quoted_rows() {
        let e = esim("8943108165005471086");
        let text = csv(&[Row {
            esim: &e,
            bundle: "esim_1GB_7D_GB_V2",
        }]);
        assert_eq!(
            text,
            "\"ICCID\",\"Matching ID\",\"RSP URL\",\"Bundle\"\r\n\
             \"8943108165005471086\",\"JQ-1Z351U-1U6E44B\",\"rsp.esimgo-sandbox.test\",\"esim_1GB_7D_GB_V2\"\r\n"
        );
    }

    #[test]
    fn the_zip_holds_the_csv_and_a_real_png_qr_per_esim() {
        let (a, b) = (esim("8944500000000000011"), esim("8944500000000000029"));
        let rows = [
            Row {
                esim: &a,
                bundle: "esim_1GB_7D_GB_V2",
            },
            Row {
                esim: &b,
                bundle: "esim_1GB_7D_GB_V2",
            },
        ];
        let bytes = zip(&rows).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut names: Vec<String> = archive.file_names().map(str::to_owned).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "8944500000000000011.png",
                "8944500000000000029.png",
                "esims.csv"
            ]
        );
        let mut png_bytes = Vec::new();
        archive
            .by_name("8944500000000000011.png")
            .unwrap()
            .read_to_end(&mut png_bytes)
            .unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert!(
            info.width >= 21 * 4 && info.width == info.height,
            "{info:?}"
        );
    }

    #[test]
    fn accept_picks_the_format_and_csv_is_the_default() {
        let with = |accept: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT, accept.parse().unwrap());
            negotiate(&headers)
        };
        assert_eq!(with("application/json"), AssignmentFormat::Json);
        assert_eq!(with("application/zip"), AssignmentFormat::Zip);
        assert_eq!(with("text/csv"), AssignmentFormat::Csv);
        assert_eq!(with("*/*"), AssignmentFormat::Csv);
        assert_eq!(negotiate(&HeaderMap::new()), AssignmentFormat::Csv);
    }
}
