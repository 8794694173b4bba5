-- The catalogue: reference geography, plans synced from providers, and a log of syncs.
-- Portable SQL: the same file runs on SQLite and PostgreSQL. Times are unix milliseconds.

CREATE TABLE regions (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sort_order BIGINT NOT NULL
);

CREATE TABLE countries (
    code TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    region_slug TEXT NOT NULL REFERENCES regions (slug),
    aliases TEXT NOT NULL DEFAULT '',
    mccs TEXT NOT NULL DEFAULT '',
    -- Lower is more popular; NULL is not featured.
    popularity BIGINT
);

CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    provider_product_id TEXT NOT NULL,
    name TEXT NOT NULL,
    -- Single-country plans name their country; multi-country plans their region.
    home_country TEXT REFERENCES countries (code),
    region_slug TEXT REFERENCES regions (slug),
    coverage_count BIGINT NOT NULL,
    -- NULL means unlimited.
    data_bytes BIGINT,
    validity_days BIGINT NOT NULL,
    currency TEXT NOT NULL,
    wholesale_minor BIGINT NOT NULL,
    retail_minor BIGINT NOT NULL,
    topup_class TEXT,
    networks TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (provider, provider_product_id)
);

CREATE INDEX plans_region ON plans (region_slug);
CREATE INDEX plans_home_country ON plans (home_country);

CREATE TABLE plan_coverage (
    plan_id TEXT NOT NULL REFERENCES plans (id),
    country_code TEXT NOT NULL REFERENCES countries (code),
    PRIMARY KEY (plan_id, country_code)
);

CREATE INDEX plan_coverage_country ON plan_coverage (country_code);

CREATE TABLE catalogue_syncs (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    fetched BIGINT NOT NULL,
    inserted BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    deactivated BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    error TEXT
);

CREATE INDEX catalogue_syncs_provider ON catalogue_syncs (provider, started_at);
