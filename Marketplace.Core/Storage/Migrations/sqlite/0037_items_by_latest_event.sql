-- Leads and the re-match after a retirement find open items through their latest event (latest_event_id IN the events
-- that rank an integrator's offerings): without an index every request read every demand item.
CREATE INDEX ix_demand_items_latest_event ON demand_items (latest_event_id);
