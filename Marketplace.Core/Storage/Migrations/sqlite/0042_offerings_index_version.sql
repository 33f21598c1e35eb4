-- The catalog's version (the count and sum of offerings' index versions, read by the supply statistics on every call)
-- from an index rather than the table: a covering scan instead of reading every offering's row.
CREATE INDEX ix_offerings_index_version ON offerings (index_version);
