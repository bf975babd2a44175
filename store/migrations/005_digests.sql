-- The daily digest to each sagsbehandler and leder: one row per recipient per day (the unique key), so
-- a retried or re-triggered digest run sends nothing twice.
CREATE TABLE digests (
    key          text PRIMARY KEY,          -- digest:<username>:<day>
    username     text NOT NULL,
    day          date NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    cases        integer NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    delivered_to text
);
CREATE INDEX digests_by_day ON digests (day);
