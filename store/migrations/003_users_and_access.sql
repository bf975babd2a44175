-- People who work in klagesag through the browser or the HTTP API: units (enheder), users, their
-- sessions, failed logins, and the log of who opened which case. No citizen's personal data here.

-- An organisational unit (e.g. "ydelse" under Socialforvaltningen); cases are routed to units.
CREATE TABLE units (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9_-]*$'),
    name        text NOT NULL,
    kommune     text NOT NULL CHECK (kommune ~ '^[0-9]{4}$'),
    forvaltning text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX units_by_forvaltning ON units (kommune, forvaltning);

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username = lower(username) AND username ~ '^[a-z0-9][a-z0-9._@-]*$'),
    display_name  text NOT NULL,
    -- NULL for users who only log in through the kommune's identity provider (OIDC).
    password_hash text,
    -- The identity provider's `sub` for this user, bound at the first OIDC login: a reused username at
    -- the provider cannot take over the account.
    oidc_subject  text UNIQUE,
    roles         text[] NOT NULL DEFAULT '{}'
        CHECK (roles <@ ARRAY['sagsbehandler', 'leder', 'borgerraadgiver', 'admin']::text[]),
    kommune       text NOT NULL CHECK (kommune ~ '^[0-9]{4}$'),
    units         text[] NOT NULL DEFAULT '{}',
    active        boolean NOT NULL DEFAULT true,
    failed_logins integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- "Who works in unit X" (worklists, assigning cases).
CREATE INDEX users_by_unit ON users USING gin (units);

-- A login. The browser or API client holds a random token; only its SHA-256 is stored, so a copy of
-- this table logs nobody in.
CREATE TABLE sessions (
    id           text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    revoked_at   timestamptz,
    csrf_token   text NOT NULL,
    -- How the user logged in: 'password' or 'oidc'.
    method       text NOT NULL CHECK (method IN ('password', 'oidc'))
);
CREATE INDEX sessions_live_by_user ON sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Every login attempt, as typed (the username may not exist): the audit trail of logins, and the
-- lock-out count for names that are no user, so a lock-out does not tell whether a user exists.
CREATE TABLE login_attempts (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL,
    username  text NOT NULL,
    succeeded boolean NOT NULL,
    outcome   text NOT NULL
);
CREATE INDEX login_attempts_by_username ON login_attempts (username, at);

-- Who looked at or acted on which case, and why: append-only, like the escalation log.
CREATE TABLE access_log (
    id       bigserial PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    user_id  bigint REFERENCES users (id),
    username text NOT NULL,
    case_id  text,
    purpose  text NOT NULL CHECK (purpose IN ('page', 'api', 'search', 'letter')),
    what     text NOT NULL
);
CREATE INDEX access_log_by_case ON access_log (case_id, at) WHERE case_id IS NOT NULL;
CREATE INDEX access_log_by_user ON access_log (user_id, at);

CREATE FUNCTION refuse_change_of_access_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % is not allowed', TG_OP;
END;
$$;
CREATE TRIGGER access_log_append_only
    BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_access_log();
-- TRUNCATE skips row triggers; refuse it as well.
CREATE TRIGGER access_log_no_truncate
    BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_of_access_log();
