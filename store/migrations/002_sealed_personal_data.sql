-- Crypto-shredding: each case's personal data is sealed (AES-GCM) with a data key of its own. Deleting
-- the key erases the citizen from every copy of the sealed bytes; the non-personal rows stay countable.

CREATE TABLE party_keys (
    case_id    text PRIMARY KEY,
    data_key   bytea NOT NULL CHECK (length(data_key) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- New rows keep only `sealed`; rows written before this migration keep their plain columns until erased.
ALTER TABLE parties
    ADD COLUMN sealed bytea,
    ADD COLUMN erased_at timestamptz,
    ALTER COLUMN cpr DROP NOT NULL,
    ALTER COLUMN name DROP NOT NULL,
    ALTER COLUMN complaint_text DROP NOT NULL;

ALTER TABLE letters
    ADD COLUMN sealed_body bytea,
    ALTER COLUMN body DROP NOT NULL;

CREATE TABLE erasures (
    case_id   text PRIMARY KEY,
    actor     text NOT NULL,
    reason    text NOT NULL,
    erased_at timestamptz NOT NULL DEFAULT now()
);
