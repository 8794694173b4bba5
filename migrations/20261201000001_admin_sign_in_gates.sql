-- A sign-in locks its address's gate row while it counts recent failures and records its own
-- attempt, so parallel guesses at one address are counted one after another.
CREATE TABLE admin_sign_in_gates (
    email TEXT PRIMARY KEY
);

-- Each attempt is recorded as failed before the password is checked, then marked succeeded by id.
ALTER TABLE admin_login_attempts ADD COLUMN id TEXT;
