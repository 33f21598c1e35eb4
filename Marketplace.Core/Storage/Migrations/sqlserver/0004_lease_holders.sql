-- Running processes that lease work rows (search outbox …): a successor frees the rows of a holder that is gone.
CREATE TABLE dbo.lease_holders (
    holder_id NVARCHAR(100) NOT NULL PRIMARY KEY,
    node_name NVARCHAR(100) NOT NULL,
    host NVARCHAR(300) NOT NULL,
    process_id INT NOT NULL,
    process_started_at DATETIMEOFFSET NOT NULL,
    registered_at DATETIMEOFFSET NOT NULL,
    heartbeat_at DATETIMEOFFSET NOT NULL
);
CREATE INDEX ix_search_outbox_claimed_by ON dbo.search_outbox (claimed_by, processed_at);
