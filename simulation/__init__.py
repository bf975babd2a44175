"""`klagesag simulate`: a calibrated year of complaints through the real ComplaintWorkflow, its rules and
activities, on Temporal's time-skipping server with a PostgreSQL of its own (never the kommune's).

- `parameters`: what the simulated kommune looks like, each default with its source (docs/legal-reference.md §4.3-4.4);
- `scenario`: the seeded, pure part: arrivals, each case's draws, the caseworkers' genvurdering queue;
- `driver`: the servers, and the day-by-day loop that files complaints and takes steps through
  `casework.operations`, as the CLI and the web do;
- `chart`: the SVG of open and overdue cases per week; `compare`: two runs side by side.
"""
