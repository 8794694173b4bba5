-- The admin panel: staff accounts (separate from travellers) with a role, their sessions, sign-in
-- attempts for rate limiting, and the audit log of what each admin did.
-- Portable SQL for SQLite and PostgreSQL; times are unix milliseconds.

CREATE TABLE admins (
    id TEXT PRIMARY KEY,
    -- Lower-cased.
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- 'owner' or 'support'
    role TEXT NOT NULL,
    -- An argon2 PHC string; the password itself is never stored.
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- A disabled admin can no longer sign in, and their sessions stop working.
    disabled_at BIGINT
);

-- Only a SHA-256 of each cookie secret is stored, so a copy of the database opens no session.
CREATE TABLE admin_sessions (
    token_hash TEXT PRIMARY KEY,
    admin_id TEXT NOT NULL REFERENCES admins (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);

CREATE INDEX admin_sessions_admin ON admin_sessions (admin_id);

CREATE TABLE admin_login_attempts (
    -- As typed, lower-cased: unknown addresses are limited too.
    email TEXT NOT NULL,
    at BIGINT NOT NULL,
    succeeded BOOLEAN NOT NULL
);

CREATE INDEX admin_login_attempts_email ON admin_login_attempts (email, at);

-- Who did what, when. The admin's name is copied so the log reads the same if they are renamed.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    admin_id TEXT NOT NULL REFERENCES admins (id),
    admin_name TEXT NOT NULL,
    -- 'signed_in', 'signed_out', 'created_admin', …
    action TEXT NOT NULL,
    -- What it was done to: an admin id, an order id, …; '' when nothing in particular.
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_admin ON audit_log (admin_id, at);
CREATE INDEX audit_log_action ON audit_log (action, at);
