-- Orders, their timeline, payment events (deduplicated by id), durable jobs and outgoing email.
-- Portable SQL for SQLite and PostgreSQL; times are unix milliseconds.

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    -- The secret in the order link; the id alone never opens an order.
    access_token TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    plan_title TEXT NOT NULL,
    provider TEXT NOT NULL,
    provider_product_id TEXT NOT NULL,
    -- 'new' or 'topup'; a top-up names the eSIM it adds data to.
    kind TEXT NOT NULL,
    topup_iccid TEXT,
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    wholesale_minor BIGINT NOT NULL,
    status TEXT NOT NULL,
    checkout_session_id TEXT UNIQUE,
    checkout_url TEXT,
    payment_intent TEXT,
    provider_order_id TEXT,
    iccid TEXT,
    smdp_address TEXT,
    matching_id TEXT,
    failure_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX orders_email ON orders (email);
CREATE INDEX orders_status ON orders (status, updated_at);
CREATE INDEX orders_iccid ON orders (iccid);

CREATE TABLE order_events (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    at BIGINT NOT NULL,
    -- 'status', 'payment', 'provider', 'email', 'note'
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    message TEXT NOT NULL
);

CREATE INDEX order_events_order ON order_events (order_id, at);

-- Every webhook event ever accepted, so a duplicate delivery changes nothing.
CREATE TABLE payment_events (
    id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL,
    order_id TEXT,
    received_at BIGINT NOT NULL
);

-- Durable background work: claimed with a lease, retried with backoff, one per (kind, subject).
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    -- 'queued', 'done', 'dead'
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    run_at BIGINT NOT NULL,
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (kind, subject)
);

CREATE INDEX jobs_due ON jobs (state, run_at);

CREATE TABLE emails (
    id TEXT PRIMARY KEY,
    order_id TEXT REFERENCES orders (id),
    -- One email of each kind per order: 'order_confirmation', 'esim_delivery', …
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    UNIQUE (order_id, kind)
);
