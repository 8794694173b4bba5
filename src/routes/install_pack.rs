//! `GET /my-esims/{iccid}/install-pack`: everything needed to install the eSIM without a network,
//! as a ZIP: the QR code as a PNG and the codes and steps as text. Only for the eSIM's owner.

use super::session;
use app::links::{esim_href, sign_in_href};
use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::install::{AFTER_INSTALL, BEFORE_INSTALL};
use std::io::Write;
use store::esims::EsimPack;

#[tracing::instrument(skip_all)]
pub async fn download(
    State(state): State<AppState>,
    Path(iccid): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(account) = session::account(&state, &headers).await else {
        return Redirect::to(&sign_in_href(&esim_href(&iccid))).into_response();
    };
    let pack = match store::esims::install_pack(&state.db, &account.id, &iccid).await {
        Ok(Some(pack)) => pack,
        Ok(None) => return (StatusCode::NOT_FOUND, "eSIM not found").into_response(),
        Err(error) => {
            tracing::error!(?error, "install pack failed");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "Please try again in a moment.",
            )
                .into_response();
        }
    };
    match zip(&pack) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/zip".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"tern-esim-{}.zip\"", pack.iccid),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(?error, "install pack failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Please try again in a moment.",
            )
                .into_response()
        }
    }
}

fn zip(pack: &EsimPack) -> anyhow::Result<Vec<u8>> {
    let png = store::qr::png(&pack.install.lpa, 10)?;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    writer.start_file("qr.png", options)?;
    writer.write_all(&png)?;
    writer.start_file("install.txt", options)?;
    writer.write_all(instructions(pack).as_bytes())?;
    Ok(writer.finish()?.into_inner())
}

/// The install page as plain text, for reading with no network.
pub fn instructions(pack: &EsimPack) -> String {
    let numbered = |steps: &[&str]| {
        steps
            .iter()
            .enumerate()
            .map(|(i, step)| format!("  {}. {step}\n", i + 1))
            .collect::<String>()
    };
    let install = &pack.install;
    format!(
        "Tern eSIM: {label} ({destination})\nICCID: {iccid}\n\n\
         01 Install your eSIM\n\nBefore you install:\n{before}\n\
         Scan qr.png (in this folder) from another screen, or enter the details by hand:\n\
         \x20 SM-DP+ address: {smdp}\n  Activation code: {code}\n  Full code: {lpa}\n\n\
         One-tap install (needs a connection):\n  iPhone (iOS 17.4+, Safari): {ios}\n  Android 10+: {android}\n\n\
         You can check the eSIM in your phone's settings (Cellular / Mobile network) afterwards.\n\n\
         02 Start your eSIM\n\nWhen you arrive:\n{after}",
        label = pack.label,
        destination = pack.destination,
        iccid = pack.iccid,
        before = numbered(&BEFORE_INSTALL),
        smdp = install.smdp_address,
        code = install.matching_id,
        lpa = install.lpa,
        ios = install.ios_link(),
        android = install.android_link(),
        after = numbered(&AFTER_INSTALL),
    )
}
