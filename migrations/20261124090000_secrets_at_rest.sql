-- Secrets at rest: order links are stored only as hashes, like sign-in links and sessions.
-- Portable SQL for SQLite and PostgreSQL; times are unix milliseconds.

-- Every order link handed out (the return from payment, each email) has its own secret; any of
-- them opens the order. Only the SHA-256 of each secret is kept.
CREATE TABLE order_links (
    token_hash TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    created_at BIGINT NOT NULL
);

CREATE INDEX order_links_order ON order_links (order_id);

-- Links already sent keep working: their secrets move here marked 'plain:', and the application
-- replaces each with its hash right after migrating (SQL has no portable SHA-256).
INSERT INTO order_links (token_hash, order_id, created_at)
SELECT 'plain:' || access_token, id, created_at FROM orders;

-- No longer read. SQLite cannot drop a UNIQUE column, so it keeps the order's id instead.
UPDATE orders SET access_token = id;

-- Finding what the retention purge removes.
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE INDEX sign_in_links_expiry ON sign_in_links (expires_at);
CREATE INDEX emails_created ON emails (created_at);
