-- A registrar other than the organization itself (a district office registering an enterprise it surveyed) receives the
-- first key to hand over: the key records who that was, so that what only the enterprise may do (submit a financing need
-- its office then confirms, choose to be named) is not done with a key its office held too.
ALTER TABLE dbo.api_keys ADD handed_over_by UNIQUEIDENTIFIER NULL;
