-- A registrar other than the organization itself (a district office registering an enterprise it surveyed) receives the
-- first key to hand over: the key records who that was, and a financing need the key it was submitted with, so that an
-- office never confirms a need filed with the key it held itself.
ALTER TABLE api_keys ADD COLUMN handed_over_by TEXT NULL;
ALTER TABLE financing_needs ADD COLUMN submitted_with_key TEXT NULL;
