-- The shop's catalogue as the admin panel shapes it: margins at several levels, countries and
-- plans taken off sale, and featured destinations kept across restarts.
-- Portable SQL for SQLite and PostgreSQL; times are unix milliseconds.

-- The most specific margin set for a plan applies: its own ('plan', plan id), its country's
-- ('country', ISO code; single-country plans), its provider's ('provider', id), the global one
-- ('global', ''); without any, TERN_MARGIN_PERCENT.
CREATE TABLE margins (
    scope TEXT NOT NULL,
    scope_value TEXT NOT NULL,
    basis_points BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- The admin who set it.
    updated_by TEXT REFERENCES admins (id),
    PRIMARY KEY (scope, scope_value)
);

-- A disabled country has no page, and its single-country plans are not sold.
ALTER TABLE countries ADD COLUMN enabled BOOLEAN NOT NULL DEFAULT TRUE;
-- A disabled plan is never listed or routed to; another provider's plan may serve its offer.
ALTER TABLE plans ADD COLUMN enabled BOOLEAN NOT NULL DEFAULT TRUE;
