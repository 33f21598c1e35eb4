-- Live offerings just indexed whose open demand items are still to be re-matched (DemandRematcher), claimed with a lease.
CREATE TABLE rematch_queue (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    offering_id TEXT NOT NULL,
    directions TEXT NOT NULL,
    created_at TEXT NOT NULL,
    claimed_by TEXT NULL,
    claimed_until TEXT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NULL
);
