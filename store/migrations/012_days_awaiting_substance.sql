-- "Klage følger" (docs/legal-reference.md §2.6): the days a complaint waited for its substance are reported
-- like the other phases' days. The covering index of the period figures is rebuilt with the new column, so
-- those queries stay index-only (008_case_facts.sql, 010_formal_answer_facts.sql).
ALTER TABLE case_facts ADD COLUMN days_awaiting_substance integer;

DROP INDEX case_facts_by_received;
CREATE INDEX case_facts_by_received ON case_facts (kommune, received) INCLUDE (
    kind, unit, klaget_til, law, paragraph, channel, phase, is_open, rounds, remand_count, closed_on,
    days_awaiting_standing, days_awaiting_substance, days_aktindsigt, days_genvurdering, days_forwarded,
    days_at_ankestyrelsen, days_genbehandling, days_klagefrist, klagepunkter, returning_complainant
);
