-- A registrar other than the organization itself (a district office registering an enterprise it surveyed) receives the
-- first key to hand over: the key records who that was, and a financing need the key it was submitted with, so that an
-- office never confirms a need filed with the key it held itself.
ALTER TABLE dbo.api_keys ADD handed_over_by UNIQUEIDENTIFIER NULL;
ALTER TABLE dbo.financing_needs ADD submitted_with_key UNIQUEIDENTIFIER NULL;
