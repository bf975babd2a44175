-- Simulations started from the web (issue 9; web/simulations.py): each run is a `klagesag simulate` child
-- process on servers of its own, recorded here with what it was asked, its JSON report and its chart.
-- Simulated people only: nothing of the kommune's cases is stored here.
CREATE TABLE simulation_runs (
    id           uuid PRIMARY KEY,
    kommune      text NOT NULL CHECK (kommune ~ '^[0-9]{4}$'),
    requested_by text NOT NULL,  -- the staff username that started it
    parameters   jsonb NOT NULL,  -- {"months": M, "seed": S, "settings": {name: value}}
    status       text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    result       jsonb,  -- what `klagesag simulate --json` printed, once done
    chart        text,  -- the SVG of simulation/chart.py, once done
    error        text,  -- why it failed
    created_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    CHECK ((status IN ('done', 'failed')) = (finished_at IS NOT NULL))
);

-- At most one run at a time per kommune: a simulation takes most of a core for many minutes. The index
-- refuses a second active run even when two web processes start one at the same moment.
CREATE UNIQUE INDEX simulation_runs_one_active ON simulation_runs (kommune) WHERE status IN ('queued', 'running');
-- The kommune's recent runs, newest first.
CREATE INDEX simulation_runs_by_kommune ON simulation_runs (kommune, created_at DESC);
