-- Case lists are paged by key (store/paging.py): each list reads its rows in order from one of these
-- indexes, from the last row of the page before, so a page reads about as many rows as it shows. Every
-- index leads with kommune (a user sees only their own kommune's cases) and ends with case_id (the
-- tie-break of every order). The expressions and the open-case predicate are written exactly as
-- store/register.py writes them: the planner matches only the same text.

-- The default listing: latest received first. Per unit for caseworkers and ledere (one range per unit,
-- merged), for the whole kommune for the borgerrådgiver.
CREATE INDEX cases_list_newest ON cases (kommune, received, case_id);
CREATE INDEX cases_list_newest_by_unit ON cases (kommune, unit, received, case_id);

-- Worklists and overdue lists: the deadline that ends first, first; a case without one last.
CREATE INDEX cases_list_deadline ON cases (kommune, coalesce(next_deadline_at, 'infinity'::timestamptz), case_id)
    WHERE phase NOT IN ('closed', 'withdrawn');
CREATE INDEX cases_list_deadline_by_unit
    ON cases (kommune, unit, coalesce(next_deadline_at, 'infinity'::timestamptz), case_id)
    WHERE phase NOT IN ('closed', 'withdrawn');
CREATE INDEX cases_list_deadline_by_assignee
    ON cases (kommune, assignee, coalesce(next_deadline_at, 'infinity'::timestamptz), case_id)
    WHERE phase NOT IN ('closed', 'withdrawn');
-- The cases the workflow flagged overdue although their next deadline has not passed (an overdue
-- genvurdering stays flagged during an aktindsigt): few, but an OR with "deadline passed" cannot use the
-- ranges above, so the overdue list merges this one in.
CREATE INDEX cases_list_flagged_overdue
    ON cases (kommune, coalesce(next_deadline_at, 'infinity'::timestamptz), case_id)
    WHERE phase NOT IN ('closed', 'withdrawn') AND overdue;

-- Stuck lists: the longest without a step first.
CREATE INDEX cases_list_silence ON cases (kommune, coalesce(last_step_at, '-infinity'::timestamptz), case_id)
    WHERE phase NOT IN ('closed', 'withdrawn');
CREATE INDEX cases_list_silence_by_unit
    ON cases (kommune, unit, coalesce(last_step_at, '-infinity'::timestamptz), case_id)
    WHERE phase NOT IN ('closed', 'withdrawn');

-- The Ledelse figures count a leder's units' cases per phase: read from this index alone, not the table
-- (whose rows carry the stored view).
CREATE INDEX cases_count_by_unit_phase ON cases (kommune, unit, phase);

-- Superseded by the indexes above (they served the unpaged lists of migration 001).
DROP INDEX cases_open_by_deadline;
DROP INDEX cases_open_by_last_step;
DROP INDEX cases_overdue;
