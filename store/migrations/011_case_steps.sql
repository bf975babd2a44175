-- Every step of every case, one narrow row each (issue 9 §3, the breach forecast): who took it, which step,
-- when. A sagsbehandler's recent pace is counted from here (store/forecast.py) without reading the views'
-- jsonb. Written with the `cases` row in the same transaction (CaseRegister.save_case_view), and by the
-- facts backfill. No personal data: the actor is a member of staff (a username or initials, as the
-- history has it), never a citizen; the caseworker's reason is not copied.
CREATE TABLE case_steps (
    case_id text NOT NULL,
    seq     integer NOT NULL,  -- the history entry's number within its case
    kommune text NOT NULL,
    step    text NOT NULL,
    actor   text NOT NULL,
    at      timestamptz NOT NULL,
    PRIMARY KEY (case_id, seq)
);
-- A kommune's steps in a window, index-only: the pace query reads (kommune, at) ranges and groups by actor.
CREATE INDEX case_steps_by_time ON case_steps (kommune, at) INCLUDE (step, actor);

-- The steps of the cases stored before this migration, from their views.
INSERT INTO case_steps (case_id, seq, kommune, step, actor, at)
SELECT c.case_id, (h->>'seq')::integer, c.kommune, h->>'step', h->>'actor', (h->>'at')::timestamptz
FROM cases c CROSS JOIN LATERAL jsonb_array_elements(c.view->'history') AS h
ON CONFLICT (case_id, seq) DO NOTHING;
