-- The statistics' own narrow tables (issue 9 §1): the countable facts of each complaint, extracted from
-- its view (domain/case_facts.py) and written in the same transaction as the `cases` row
-- (CaseRegister.save_case_view), so a year's figures never read the jsonb. No personal data: codes,
-- dates and counts only. The rows of cases saved before this migration are filled in by
-- `klagesag rebuild-read-model --facts-only` (or the full rebuild), which reads the stored views.

-- One row per complaint: what it is, how long it spent in each phase, how it ended.
CREATE TABLE case_facts (
    case_id                text PRIMARY KEY,
    kommune                text NOT NULL,
    received               date NOT NULL,
    kind                   text NOT NULL,
    unit                   text,
    channel                text NOT NULL,
    klaget_til             text NOT NULL,
    law                    text NOT NULL,
    paragraph              text NOT NULL,
    phase                  text NOT NULL,
    is_open                boolean NOT NULL,
    overdue                boolean NOT NULL,
    next_deadline_at       timestamptz,
    outcome                text,
    rounds                 integer NOT NULL,
    remand_count           integer NOT NULL,
    closed_on              date,
    -- Completed stays, days summed over the rounds (NULL: never left that phase).
    days_awaiting_standing integer,
    days_aktindsigt        integer,
    days_genvurdering      integer,
    days_forwarded         integer,
    days_at_ankestyrelsen  integer,
    days_genbehandling     integer,
    days_klagefrist        integer,
    klagepunkter           integer,
    klagepunkt_categories  text[],
    version                integer NOT NULL
);
-- A period's complaints of one kommune: every figure by date of receipt is an index-only scan of this
-- index (it covers every column those queries read), so a year is one contiguous range of narrow entries
-- however the rows lie in the table. store/statistics.py lists the columns it needs.
CREATE INDEX case_facts_by_received ON case_facts (kommune, received) INCLUDE (
    kind, unit, klaget_til, law, paragraph, channel, phase, is_open, rounds, remand_count, closed_on,
    days_awaiting_standing, days_aktindsigt, days_genvurdering, days_forwarded, days_at_ankestyrelsen,
    days_genbehandling, days_klagefrist, klagepunkter
);
-- The klagepunkt categories of the complaints that have them registered.
CREATE INDEX case_facts_categories ON case_facts (kommune, received) INCLUDE (unit, klagepunkt_categories)
    WHERE klagepunkt_categories IS NOT NULL;
-- The open complaints of one kommune (overdue now), also index-only.
CREATE INDEX case_facts_open ON case_facts (kommune, unit) INCLUDE (overdue, next_deadline_at) WHERE is_open;

-- What happened on a date: genvurderinger, Ankestyrelsen's decisions, aktindsigt answers due. Rewritten
-- whole for a complaint whenever its facts are.
CREATE TABLE case_fact_events (
    case_id text NOT NULL REFERENCES case_facts (case_id) ON DELETE CASCADE,
    kommune text NOT NULL,
    unit    text,
    kind    text NOT NULL,
    event   text NOT NULL CHECK (event IN ('genvurdering', 'ankestyrelsen', 'aktindsigt')),
    round   integer NOT NULL,
    on_date date NOT NULL,
    outcome text,
    on_time boolean
);
CREATE INDEX case_fact_events_by_date ON case_fact_events (kommune, event, on_date) INCLUDE (unit, outcome, on_time);
CREATE INDEX case_fact_events_by_case ON case_fact_events (case_id);
