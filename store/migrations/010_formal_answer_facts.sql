-- The three statistics figures issue 9 §1 still lacked, as facts (domain/case_facts.py):
--   * `case_facts.returning_complainant`: a returning complainant added klagepunkter to the case (SEED 003, §7); NULL
--     where the case has no registered klagepunkter;
--   * `case_fact_events` of event 'formal_answer': each answer to the formal klagepunkter, on time or not
--     against its servicemål (R70), with the borgerrådgiver's retsstilling judgement as its outcome, and
--     each servicemål that passed unanswered.
-- Rows written before this migration lack both: their version is set below the view's, so the next
-- `klagesag rebuild-read-model --facts-only` (run by `klagesag init`) writes them again from the views.
ALTER TABLE case_facts ADD COLUMN returning_complainant boolean;

ALTER TABLE case_fact_events DROP CONSTRAINT case_fact_events_event_check;
ALTER TABLE case_fact_events ADD CONSTRAINT case_fact_events_event_check
    CHECK (event IN ('genvurdering', 'ankestyrelsen', 'aktindsigt', 'formal_answer'));

-- The period's index covers `returning_complainant` too, so the figures by date of receipt stay index-only scans.
DROP INDEX case_facts_by_received;
CREATE INDEX case_facts_by_received ON case_facts (kommune, received) INCLUDE (
    kind, unit, klaget_til, law, paragraph, channel, phase, is_open, rounds, remand_count, closed_on,
    days_awaiting_standing, days_aktindsigt, days_genvurdering, days_forwarded, days_at_ankestyrelsen,
    days_genbehandling, days_klagefrist, klagepunkter, returning_complainant
);

UPDATE case_facts SET version = -1;
