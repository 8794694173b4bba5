//! The install QR code: SVG for web pages, PNG for email.

use anyhow::Context;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// A QR code as an inline SVG document with a quiet zone, scaled by CSS.
pub fn svg(text: &str) -> anyhow::Result<String> {
    let code = QrCode::with_error_correction_level(text, EcLevel::M)
        .context("Failed to encode the QR code")?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// A QR code as a black-and-white PNG, `scale` pixels per module.
pub fn png(text: &str, scale: u32) -> anyhow::Result<Vec<u8>> {
    let code = QrCode::with_error_correction_level(text, EcLevel::M)
        .context("Failed to encode the QR code")?;
    let modules = code.width() as u32;
    let quiet = 4;
    let side = (modules + 2 * quiet) * scale;
    let colors = code.to_colors();
    let mut pixels = vec![255u8; (side * side) as usize];
    for (index, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (x, y) = (
            index as u32 % modules + quiet,
            index as u32 / modules + quiet,
        );
        for dy in 0..scale {
            let row = ((y * scale + dy) * side + x * scale) as usize;
            pixels[row..row + scale as usize].fill(0);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_svg_and_png() {
        let lpa = "LPA:1$rsp.esimfx-sandbox.test$JQ-2D51JC-ABCDEF";
        let svg = svg(lpa).unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg") && svg.contains("#000000"));
        let png = png(lpa, 4).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }
}
