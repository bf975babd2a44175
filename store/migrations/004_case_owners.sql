-- Every case has an owner: a unit and (optionally) a sagsbehandler, kept by the workflow and copied
-- into the read model so worklists are one indexed query.
ALTER TABLE cases ADD COLUMN unit text;
ALTER TABLE cases ADD COLUMN assignee text;
CREATE INDEX cases_open_by_assignee ON cases (assignee, next_deadline_at) WHERE phase NOT IN ('closed', 'withdrawn');
CREATE INDEX cases_open_by_unit ON cases (unit, next_deadline_at) WHERE phase NOT IN ('closed', 'withdrawn');
