//! Reference geography (regions, countries, aliases, MCCs, popularity) loaded from `data/` into the database.

use crate::Db;
use anyhow::{bail, Context};
use domain::CountryCode;

const REGIONS: &str = include_str!("../../../data/regions.tsv");
const COUNTRIES: &str = include_str!("../../../data/countries.tsv");
const POPULAR: &str = include_str!("../../../data/popular.tsv");

/// One row of `data/countries.tsv`.
#[derive(Debug, Clone)]
pub struct CountryRow {
    pub code: CountryCode,
    pub name: String,
    pub slug: String,
    pub region: String,
    pub aliases: Vec<String>,
    pub mccs: Vec<String>,
}

/// Parses the shipped country table, failing on any malformed line.
pub fn countries() -> anyhow::Result<Vec<CountryRow>> {
    rows(COUNTRIES, 6)?
        .map(|(line, cols)| {
            let code = CountryCode::parse(cols[0])
                .with_context(|| format!("countries.tsv line {line}"))?;
            if cols[1].is_empty() || cols[2].is_empty() || cols[3].is_empty() {
                bail!("countries.tsv line {line}: empty name, slug or region");
            }
            Ok(CountryRow {
                code,
                name: cols[1].to_owned(),
                slug: cols[2].to_owned(),
                region: cols[3].to_owned(),
                aliases: split_list(cols[4]),
                mccs: split_list(cols[5]),
            })
        })
        .collect()
}

/// Mobile country code → country, for providers that name countries by MCC. Some MCCs are
/// shared (310 is the US and Guam): the country that lists it earliest among its own wins, and
/// of those the one with more MCCs, i.e. the bigger network.
pub fn mcc_countries() -> anyhow::Result<std::collections::HashMap<u16, CountryCode>> {
    type Claim = ((usize, std::cmp::Reverse<usize>), CountryCode);
    let mut table: std::collections::HashMap<u16, Claim> = Default::default();
    for country in countries()? {
        for (rank, mcc) in country.mccs.iter().enumerate() {
            let Ok(mcc) = mcc.parse::<u16>() else {
                continue;
            };
            let claim = (rank, std::cmp::Reverse(country.mccs.len()));
            let entry = table.entry(mcc).or_insert((claim, country.code));
            if claim < entry.0 {
                *entry = (claim, country.code);
            }
        }
    }
    Ok(table
        .into_iter()
        .map(|(mcc, (_, code))| (mcc, code))
        .collect())
}

#[cfg(test)]
mod mcc_tests {
    #[test]
    fn shared_mccs_go_to_the_main_country() {
        let table = super::mcc_countries().unwrap();
        assert_eq!(table[&310].as_str(), "US");
        assert_eq!(table[&440].as_str(), "JP");
        assert_eq!(table[&234].as_str(), "GB");
    }
}

fn split_list(cell: &str) -> Vec<String> {
    cell.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Data lines of a TSV with its header skipped, each with its 1-based line number.
fn rows(
    text: &'static str,
    columns: usize,
) -> anyhow::Result<impl Iterator<Item = (usize, Vec<&'static str>)>> {
    let mut parsed = Vec::new();
    for (index, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let mut cols: Vec<&str> = line.split('\t').collect();
        if cols.len() > columns {
            bail!(
                "line {}: {} columns, expected {columns}",
                index + 1,
                cols.len()
            );
        }
        cols.resize(columns, "");
        parsed.push((index + 1, cols));
    }
    Ok(parsed.into_iter())
}

/// Upserts regions and countries; safe to run at every start. The shipped popularity only seeds
/// a new country: after that the featured destinations are the admin's to change.
#[tracing::instrument(skip(db))]
pub async fn load(db: &Db) -> anyhow::Result<()> {
    let mut tx = db
        .pool()
        .begin()
        .await
        .context("Failed to begin reference load")?;
    for (line, cols) in rows(REGIONS, 3)? {
        let order: i64 = cols[2]
            .parse()
            .with_context(|| format!("regions.tsv line {line}"))?;
        sqlx::query(
            "INSERT INTO regions (slug, name, sort_order) VALUES ($1, $2, $3)
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name, sort_order = excluded.sort_order",
        )
        .bind(cols[0])
        .bind(cols[1])
        .bind(order)
        .execute(&mut *tx)
        .await
        .context("Failed to upsert a region")?;
    }
    let popular: Vec<&str> = rows(POPULAR, 1)?.map(|(_, cols)| cols[0]).collect();
    for country in countries()? {
        let popularity = popular
            .iter()
            .position(|code| *code == country.code.as_str())
            .map(|p| p as i64);
        sqlx::query(
            "INSERT INTO countries (code, slug, name, region_slug, aliases, mccs, popularity)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (code) DO UPDATE SET slug = excluded.slug, name = excluded.name,
               region_slug = excluded.region_slug, aliases = excluded.aliases, mccs = excluded.mccs",
        )
        .bind(country.code.as_str())
        .bind(&country.slug)
        .bind(&country.name)
        .bind(&country.region)
        .bind(country.aliases.join("|"))
        .bind(country.mccs.join("|"))
        .bind(popularity)
        .execute(&mut *tx)
        .await
        .with_context(|| format!("Failed to upsert country {}", country.code))?;
    }
    tx.commit().await.context("Failed to commit reference data")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn shipped_country_table_is_well_formed() {
        let countries = countries().unwrap();
        assert!(countries.len() >= 190, "only {} countries", countries.len());
        let regions: HashSet<&str> = rows(REGIONS, 3).unwrap().map(|(_, c)| c[0]).collect();
        let mut slugs = HashSet::new();
        let mut codes = HashSet::new();
        for country in &countries {
            assert!(
                regions.contains(country.region.as_str()),
                "{} has unknown region {}",
                country.code,
                country.region
            );
            assert!(
                slugs.insert(country.slug.clone()),
                "duplicate slug {}",
                country.slug
            );
            assert!(
                codes.insert(country.code),
                "duplicate code {}",
                country.code
            );
            assert!(country
                .slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        }
        for code in rows(POPULAR, 1).unwrap().map(|(_, c)| c[0]) {
            assert!(
                codes.contains(&CountryCode::parse(code).unwrap()),
                "popular {code} is not a country"
            );
        }
    }
}
