-- Reports (seeds 000–003): how long each stage took and how late it ended, in working time,
-- kept when its clock stops, so that reports count them in SQL.
ALTER TABLE timers ADD COLUMN took_s INTEGER;  -- working seconds from start to end
ALTER TABLE timers ADD COLUMN late_s INTEGER;  -- working seconds past due at the end; 0: in time
CREATE INDEX incidents_detected ON incidents(detected_at);
CREATE INDEX timers_stage ON timers(incident_id, stage);
CREATE INDEX assignments_org_incident ON assignments(organisation_id, incident_id);

-- Scheduled reports sent (or being sent): each period's report goes once, even after a
-- restart that missed its moment.
CREATE TABLE report_runs (
    kind TEXT NOT NULL,              -- digest, week, month, year
    period TEXT NOT NULL,            -- its first day, ISO
    sent_at TEXT NOT NULL,
    PRIMARY KEY (kind, period)
);
