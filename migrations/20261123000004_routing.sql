-- Several providers: plans of different providers that are the same offer, which one is listed,
-- routing rules, provider health, and what fulfilment needs to poll, reserve and fail over.
-- Portable SQL for SQLite and PostgreSQL; times are unix milliseconds.

-- Plans with the same offer key (coverage, advertised data, validity) are one offer to travellers.
ALTER TABLE plans ADD COLUMN offer_key TEXT;
-- Advertised megabytes (a "1 GB" plan is 1024 whether the provider counts 10^9 or 2^30 bytes); NULL is unlimited.
ALTER TABLE plans ADD COLUMN data_mb BIGINT;
-- The plan travellers see for its offer: the one the routing rules choose.
ALTER TABLE plans ADD COLUMN listed BOOLEAN NOT NULL DEFAULT FALSE;

CREATE INDEX plans_offer ON plans (offer_key);
CREATE INDEX plans_listed ON plans (listed);

-- Which provider serves what. Scope 'plan' names an offer key, 'country' a country code; the most
-- specific rule wins, and without one the cheapest healthy provider serves.
CREATE TABLE routing_rules (
    scope TEXT NOT NULL,
    scope_value TEXT NOT NULL,
    -- 'fixed', 'cheapest' or 'priority'
    strategy TEXT NOT NULL,
    -- Provider ids in order, comma-separated ('fixed' has one).
    providers TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (scope, scope_value)
);

-- Every provider call fulfilment makes, summarised, for routing and the admin.
CREATE TABLE provider_health (
    provider TEXT PRIMARY KEY,
    calls BIGINT NOT NULL,
    failures BIGINT NOT NULL,
    consecutive_failures BIGINT NOT NULL,
    total_latency_ms BIGINT NOT NULL,
    last_success_at BIGINT,
    last_failure_at BIGINT,
    last_error TEXT,
    updated_at BIGINT NOT NULL
);

-- Where the traveller will use the eSIM (a country plan's country).
ALTER TABLE orders ADD COLUMN country_code TEXT;
ALTER TABLE orders ADD COLUMN offer_key TEXT;
-- When fulfilment first asked the current provider, so a provider without idempotency keys can
-- find an order already placed instead of placing another.
ALTER TABLE orders ADD COLUMN first_attempt_at BIGINT;
-- A reservation's deadline (FMS pre-orders): the provider releases it unless paid by then.
ALTER TABLE orders ADD COLUMN reserved_until BIGINT;
-- Providers that already failed this order permanently, comma-separated, so failover moves on.
ALTER TABLE orders ADD COLUMN failed_providers TEXT NOT NULL DEFAULT '';
-- The provider's own word for a pending order ("FULFILLING") and how often Tern has asked.
ALTER TABLE orders ADD COLUMN provider_status TEXT;
ALTER TABLE orders ADD COLUMN provider_checks BIGINT NOT NULL DEFAULT 0;
