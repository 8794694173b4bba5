-- Admin actions on an order (retry fulfilment, refund, mark resolved, resend the eSIM email).
-- Each confirmation form carries a fresh random action id, inserted here before the action runs,
-- so a repeat (a double click, a reloaded POST) changes nothing and is answered from `outcome`.
-- Portable SQL for SQLite and PostgreSQL; times are unix milliseconds.

CREATE TABLE admin_actions (
    action_id TEXT PRIMARY KEY,
    admin_id TEXT NOT NULL REFERENCES admins (id),
    order_id TEXT NOT NULL,
    -- 'retry_fulfilment', 'refund', 'resolve' or 'resend_esim_email'
    action TEXT NOT NULL,
    at BIGINT NOT NULL,
    -- 'done: <message>' or 'refused: <message>'; NULL while the action runs.
    outcome TEXT
);

CREATE INDEX admin_actions_order ON admin_actions (order_id);

-- An admin looked at an order that needed attention and settled it; it leaves the dashboard's list.
ALTER TABLE orders ADD COLUMN resolved_at BIGINT;
ALTER TABLE orders ADD COLUMN resolved_by TEXT;
ALTER TABLE orders ADD COLUMN resolved_note TEXT;
