-- The case register of klagesag. Temporal holds the process; PostgreSQL holds what people read and
-- query, and everything personal.

-- Personal data: the only table with CPR numbers, names and the complaint's own words.
CREATE TABLE parties (
    case_id             text PRIMARY KEY,
    cpr                 text NOT NULL CHECK (cpr ~ '^[0-9]{10}$'),
    name                text NOT NULL,
    representative_name text,
    complaint_text      text NOT NULL,
    late_reason         text,
    created_at          timestamptz NOT NULL DEFAULT now()
);

-- The read model for supervisors, kept current by the workflow (one row per case, versioned so a
-- retried or late write never overwrites a newer one).
CREATE TABLE cases (
    case_id            text PRIMARY KEY,
    kommune            text NOT NULL,
    kind               text NOT NULL,
    phase              text NOT NULL,
    round              integer NOT NULL,
    remand_count       integer NOT NULL,
    outcome            text,
    overdue            boolean NOT NULL,
    late               boolean NOT NULL,
    received           date NOT NULL,
    next_deadline_at   timestamptz,
    next_deadline_kind text,
    last_step_at       timestamptz,
    version            integer NOT NULL,
    view               jsonb NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_open_by_deadline ON cases (next_deadline_at) WHERE phase NOT IN ('closed', 'withdrawn');
CREATE INDEX cases_open_by_last_step ON cases (last_step_at) WHERE phase NOT IN ('closed', 'withdrawn');
CREATE INDEX cases_overdue ON cases (kommune) WHERE overdue;
CREATE INDEX cases_phase ON cases (kommune, phase);

-- The letter outbox: one row per letter, its key unique, so a retried activity cannot send twice.
CREATE TABLE letters (
    key            text PRIMARY KEY,
    case_id        text NOT NULL,
    round          integer NOT NULL,
    kind           text NOT NULL,
    recipient_role text NOT NULL,
    subject        text NOT NULL,
    body           text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    delivered_at   timestamptz,
    delivered_to   text
);
CREATE INDEX letters_by_case ON letters (case_id, created_at);

-- Escalations to leder, borgmester, tilsyn, ombudsmand, borgerrådgiver, Datatilsynet: append-only.
CREATE TABLE escalations (
    id          bigserial PRIMARY KEY,
    key         text NOT NULL UNIQUE,
    case_id     text NOT NULL,
    route       text NOT NULL,
    actor       text NOT NULL,
    reason      text NOT NULL,
    automatic   boolean NOT NULL,
    occurred_at timestamptz NOT NULL,
    logged_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX escalations_by_case ON escalations (case_id, id);

CREATE FUNCTION refuse_change_of_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the escalation log is append-only: % is not allowed', TG_OP;
END;
$$;
CREATE TRIGGER escalations_append_only
    BEFORE UPDATE OR DELETE ON escalations
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_log();

-- Automatic deadline warnings, one row per warning.
CREATE TABLE warnings (
    key        text PRIMARY KEY,
    case_id    text NOT NULL,
    kind       text NOT NULL,
    message    text NOT NULL,
    fired_at   timestamptz NOT NULL,
    logged_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX warnings_by_case ON warnings (case_id, fired_at);

-- Hand-overs to Ankestyrelsen (complaint, genvurdering and akter), one per case and round.
CREATE TABLE forwards (
    key                 text PRIMARY KEY,
    case_id             text NOT NULL,
    round               integer NOT NULL,
    genvurdering_result text NOT NULL,
    late                boolean NOT NULL,
    forwarded_at        timestamptz NOT NULL,
    logged_at           timestamptz NOT NULL DEFAULT now()
);
