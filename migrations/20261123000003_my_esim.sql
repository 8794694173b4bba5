-- Travellers' accounts (passwordless, by emailed sign-in link), their sessions, and their eSIMs
-- with every package and its usage as last reported by the provider. Times are unix milliseconds.

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    -- Lower-cased; proven by a sign-in link sent to it.
    email TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_sign_in_at BIGINT
);

-- Only a hash of each secret is stored, so a copy of the database opens no account.
CREATE TABLE sign_in_links (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    -- Where to land after signing in (a path on this site).
    next_path TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE INDEX sign_in_links_email ON sign_in_links (email, created_at);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX sessions_account ON sessions (account_id);

ALTER TABLE orders ADD COLUMN account_id TEXT REFERENCES accounts (id);
-- Set when a traveller cancels an unused package: how much of the order to give back.
ALTER TABLE orders ADD COLUMN refund_minor BIGINT;

CREATE INDEX orders_account ON orders (account_id);

CREATE TABLE esims (
    iccid TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    -- The order that bought it; its email decides who owns the eSIM.
    order_id TEXT NOT NULL REFERENCES orders (id),
    email TEXT NOT NULL,
    account_id TEXT REFERENCES accounts (id),
    label TEXT NOT NULL,
    destination TEXT NOT NULL,
    smdp_address TEXT NOT NULL,
    matching_id TEXT NOT NULL,
    -- PROVISIONED, INSTALLED, ACTIVE, EXPIRED, BLOCKED, DEACTIVATED
    state TEXT NOT NULL,
    synced_at BIGINT,
    next_sync_at BIGINT NOT NULL,
    sync_failures BIGINT NOT NULL,
    last_sync_error TEXT,
    created_at BIGINT NOT NULL
);

CREATE INDEX esims_account ON esims (account_id);
CREATE INDEX esims_email ON esims (email);
CREATE INDEX esims_due ON esims (next_sync_at);

CREATE TABLE esim_packages (
    -- The provider's order id for this package.
    id TEXT PRIMARY KEY,
    iccid TEXT NOT NULL REFERENCES esims (iccid),
    -- The Tern order that paid for it; NULL for packages added elsewhere.
    order_id TEXT REFERENCES orders (id),
    product_id TEXT NOT NULL,
    name TEXT NOT NULL,
    -- PENDING, ACTIVE, EXPIRED, TERMINATED
    state TEXT NOT NULL,
    -- NULL for unlimited.
    limit_bytes BIGINT,
    used_bytes BIGINT NOT NULL,
    bought_at BIGINT,
    activated_at BIGINT,
    expires_at BIGINT,
    -- The highest usage alert (percent) already emailed for this package.
    alerted_percent BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX esim_packages_iccid ON esim_packages (iccid);

-- Provider webhooks already handled, so a duplicate delivery changes nothing.
CREATE TABLE provider_events (
    provider TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    event_type TEXT NOT NULL,
    iccid TEXT,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (provider, dedupe_key)
);
