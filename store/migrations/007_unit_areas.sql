-- The lovområder a unit handles (e.g. 'serviceloven'), so a complaint filed without a unit goes to the
-- unit of its area (domain/owners.py).
ALTER TABLE units ADD COLUMN areas text[] NOT NULL DEFAULT '{}';
