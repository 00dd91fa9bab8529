-- 0004: the reminder table and the statements the Orleans reminder service uses on it.
-- Follows the contract of Microsoft.Orleans.Reminders.AdoNet 10.4.2 (AdoNetReminderTable),
-- invariant "Npgsql". Written for this project; no plpgsql needed.
--
-- Contract notes (what the provider expects; the SQL below is ours):
--  * Parameters: @ServiceId, @GrainId (the GrainId's string form, "type/key"), @ReminderName,
--    @StartTime (UTC timestamptz), @Period (milliseconds; a 32-bit integer when it fits, 64-bit
--    otherwise), @GrainHash / @BeginHash / @EndHash (the uniform hash cast to a signed 32-bit
--    integer), @Version (the etag as an integer).
--  * Reminder rows are read by column name: GrainId, ReminderName, StartTime, Period (read as
--    64-bit), Version.
--  * Range reads cover hashes in (BeginHash, EndHash]. The provider picks ReadRangeRows1Key when
--    BeginHash < EndHash as signed integers, and ReadRangeRows2Key (the range wraps around) otherwise.

CREATE TABLE orleans_reminder
(
    service_id    varchar(150) NOT NULL,
    grain_id      varchar(512) NOT NULL,
    reminder_name varchar(150) NOT NULL,
    start_time    timestamptz  NOT NULL,
    period_ms     bigint       NOT NULL,
    grain_hash    integer      NOT NULL,
    version       integer      NOT NULL,

    CONSTRAINT orleans_reminder_pkey PRIMARY KEY (service_id, grain_id, reminder_name)
);

-- Each silo reads the reminders of its hash range.
CREATE INDEX orleans_reminder_hash_idx ON orleans_reminder (service_id, grain_hash);

INSERT INTO orleansquery (querykey, querytext)
VALUES

-- Register or replace a reminder. Answers the row's new version (0 when created, +1 on replace),
-- which becomes the reminder's etag.
('UpsertReminderRowKey', $sql$
INSERT INTO orleans_reminder
    (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES
    (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = EXCLUDED.start_time,
    period_ms  = EXCLUDED.period_ms,
    grain_hash = EXCLUDED.grain_hash,
    version    = orleans_reminder.version + 1
RETURNING version AS "Version";
$sql$),

-- All reminders of one grain.
('ReadReminderRowsKey', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND grain_id = @GrainId;
$sql$),

-- One reminder of one grain (no row when absent).
('ReadReminderRowKey', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND grain_id = @GrainId
  AND reminder_name = @ReminderName;
$sql$),

-- Reminders whose grain hash lies in (BeginHash, EndHash], a range that does not wrap.
('ReadRangeRows1Key', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND grain_hash > @BeginHash
  AND grain_hash <= @EndHash;
$sql$),

-- Reminders whose grain hash lies in (BeginHash, EndHash] where the range wraps around the end
-- of the ring: above BeginHash or up to EndHash (the whole ring when they are equal).
('ReadRangeRows2Key', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);
$sql$),

-- Unregister one reminder if it is still at the etag the caller holds. Answers one boolean.
('DeleteReminderRowKey', $sql$
WITH removed AS (
    DELETE FROM orleans_reminder
    WHERE service_id = @ServiceId
      AND grain_id = @GrainId
      AND reminder_name = @ReminderName
      AND version = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM removed) AS "Removed";
$sql$),

-- Remove every reminder of the service (used by tests / tooling).
('DeleteReminderRowsKey', $sql$
DELETE FROM orleans_reminder
WHERE service_id = @ServiceId;
$sql$);
