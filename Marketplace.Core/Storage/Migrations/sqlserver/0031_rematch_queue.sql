-- Live offerings just indexed whose open demand items are still to be re-matched (DemandRematcher), claimed with a lease.
CREATE TABLE dbo.rematch_queue (
    seq BIGINT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
    offering_id UNIQUEIDENTIFIER NOT NULL,
    directions NVARCHAR(400) NOT NULL,
    created_at DATETIMEOFFSET NOT NULL,
    claimed_by NVARCHAR(100) NULL,
    claimed_until DATETIMEOFFSET NULL,
    attempts INT NOT NULL CONSTRAINT df_rematch_queue_attempts DEFAULT 0,
    last_error NVARCHAR(2000) NULL
);
