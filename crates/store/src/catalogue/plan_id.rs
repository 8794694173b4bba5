//! Public plan ids: readable, stable once issued, and free of provider names.

use domain::DataAllowance;

/// `japan-10gb-7d-3fa9c1`: what the plan is, plus a short hash of who sells it so ids never collide.
pub fn generate(
    label_slug: &str,
    data: DataAllowance,
    validity_days: u32,
    provider: &str,
    product_id: &str,
) -> String {
    let data = match data {
        DataAllowance::Unlimited => "unlimited".to_owned(),
        DataAllowance::Limited { bytes } => domain::data::format_bytes(bytes)
            .to_lowercase()
            .replace(' ', "")
            .replace('.', "-"),
    };
    let hash = fnv1a(format!("{provider}:{product_id}").as_bytes());
    format!(
        "{label_slug}-{data}-{validity_days}d-{:06x}",
        hash & 0xff_ffff
    )
}

/// FNV-1a: tiny, stable across releases and platforms, enough for ids and change detection.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::data::{GIB, MIB};

    #[test]
    fn ids_are_readable_and_stable() {
        let id = generate(
            "japan",
            DataAllowance::Limited { bytes: 10 * GIB },
            7,
            "esimfx",
            "esimfx_10G_7D_JP",
        );
        assert!(id.starts_with("japan-10gb-7d-"), "{id}");
        assert_eq!(
            id,
            generate(
                "japan",
                DataAllowance::Limited { bytes: 10 * GIB },
                7,
                "esimfx",
                "esimfx_10G_7D_JP"
            )
        );
        assert_ne!(
            id,
            generate(
                "japan",
                DataAllowance::Limited { bytes: 10 * GIB },
                7,
                "other",
                "esimfx_10G_7D_JP"
            )
        );
        let half = generate(
            "france",
            DataAllowance::Limited { bytes: 3 * GIB / 2 },
            3,
            "esimfx",
            "x",
        );
        assert!(half.starts_with("france-1-5gb-3d-"), "{half}");
        let small = generate(
            "france",
            DataAllowance::Limited { bytes: 500 * MIB },
            3,
            "esimfx",
            "x",
        );
        assert!(small.starts_with("france-500mb-3d-"), "{small}");
        assert!(
            generate("europe", DataAllowance::Unlimited, 30, "esimfx", "y")
                .starts_with("europe-unlimited-30d-")
        );
    }
}
