-- Caseworkers' reasons are personal data too (they can name a diagnosis or a family's situation): new
-- escalation rows keep the reason only sealed with the case's data key (store/reasons.py), so erasing the
-- case makes it unreadable. `sealed_reason IS NOT NULL` marks a sealed row.
--
-- Rows written before this migration keep their plain `reason`: the log is append-only (the trigger of
-- migration 001 refuses UPDATE), and sealing needs the key in Python, not SQL. Adding columns does not
-- touch the rows, so the trigger and the log's integrity stay as they were.
ALTER TABLE escalations
    ADD COLUMN sealed_reason bytea,
    ALTER COLUMN reason DROP NOT NULL;  -- both NULL: logged after the case was erased, the text not kept
