-- 0003: grain state storage and the statements Orleans uses to read, write and clear it.
-- Follows the contract of Microsoft.Orleans.Persistence.AdoNet 10.4.2 (AdoNetGrainStorage),
-- invariant "Npgsql". Written for this project; no plpgsql needed.
--
-- Contract notes (what the provider expects; the SQL below is ours):
--  * Every statement receives the grain identity as @ServiceId, @GrainTypeString, @GrainIdN0,
--    @GrainIdN1, @GrainIdExtensionString (NULL when absent) plus two hashes of it, @GrainIdHash and
--    @GrainTypeHash. @GrainTypeString is the state name given to [PersistentState] (not the grain
--    class); a string key travels in @GrainIdExtensionString with N0 = N1 = 0.
--  * The etag is the integer version: @GrainStateVersion is the version the grain holds, NULL when
--    it has never seen a stored row.
--  * ReadFromStorageKey is read by column name (PayloadBinary, Version), at most one row.
--  * WriteToStorageKey must answer exactly one row with column NewGrainStateVersion: the new
--    version on success, NULL when nothing was written. NULL makes the provider throw
--    InconsistentStateException (etag conflict). (Zero rows would NOT: for a first write the
--    provider would take that as success, so the statement below always answers one row.)
--  * ClearStorageKey / DeleteStorageKey: the provider reads the first column of at most one row,
--    which must differ from @GrainStateVersion on success; no row means a conflict.

CREATE TABLE orleans_grain_state
(
    service_id         varchar(150) NOT NULL,
    state_name         varchar(150) NOT NULL,  -- the provider's GrainTypeString
    grain_id_n0        bigint       NOT NULL,
    grain_id_n1        bigint       NOT NULL,
    grain_id_extension varchar(512) NULL,      -- string key, or the key extension of a long/Guid key
    grain_id_hash      integer      NOT NULL,  -- stored for diagnostics; lookups use the identity
    state_name_hash    integer      NOT NULL,
    payload            bytea        NULL,      -- NULL after a clear: the row keeps its version
    version            integer      NOT NULL,
    modified_at        timestamptz  NOT NULL DEFAULT now(),

    -- One row per grain state. NULLS NOT DISTINCT makes a NULL extension count as a value, so two
    -- racing first writes of a grain without extension cannot both insert. This index also serves
    -- every lookup below.
    CONSTRAINT orleans_grain_state_identity
        UNIQUE NULLS NOT DISTINCT (service_id, state_name, grain_id_n1, grain_id_n0, grain_id_extension)
);

INSERT INTO orleansquery (querykey, querytext)
VALUES

-- The stored state of one grain, if any. A cleared row answers a NULL payload and its version.
-- (The extension test is written as "= or both NULL" so that it can use the identity index.)
('ReadFromStorageKey', $sql$
SELECT payload AS "PayloadBinary",
       version AS "Version"
FROM orleans_grain_state
WHERE service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_n0 = @GrainIdN0
  AND (grain_id_extension = @GrainIdExtensionString
       OR (grain_id_extension IS NULL AND @GrainIdExtensionString IS NULL));
$sql$),

-- Write with optimistic concurrency. With a version: update the row only if it is still at that
-- version. Without one (first write): insert; if any row for the grain exists already, even one
-- inserted a moment ago by a racing activation, the unique key turns the insert into a no-op.
-- Either way exactly one row comes back; NULL means "not written" and becomes the provider's
-- InconsistentStateException.
('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE orleans_grain_state s
    SET payload         = @PayloadBinary,
        version         = s.version + 1,
        modified_at     = now(),
        grain_id_hash   = @GrainIdHash,
        state_name_hash = @GrainTypeHash
    WHERE @GrainStateVersion IS NOT NULL
      AND s.service_id = @ServiceId
      AND s.state_name = @GrainTypeString
      AND s.grain_id_n1 = @GrainIdN1
      AND s.grain_id_n0 = @GrainIdN0
      AND (s.grain_id_extension = @GrainIdExtensionString
           OR (s.grain_id_extension IS NULL AND @GrainIdExtensionString IS NULL))
      AND s.version = @GrainStateVersion
    RETURNING s.version
),
inserted AS (
    INSERT INTO orleans_grain_state
        (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_extension,
         grain_id_hash, state_name_hash, payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
           @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT orleans_grain_state_identity DO NOTHING
    RETURNING version
)
SELECT (SELECT version FROM updated
        UNION ALL
        SELECT version FROM inserted) AS "NewGrainStateVersion";
$sql$),

-- Clear, keeping the row: drop the payload and advance the version, only if still at
-- @GrainStateVersion. Answers the new version, or no row on conflict.
('ClearStorageKey', $sql$
UPDATE orleans_grain_state
SET payload     = NULL,
    version     = version + 1,
    modified_at = now()
WHERE service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_n0 = @GrainIdN0
  AND (grain_id_extension = @GrainIdExtensionString
       OR (grain_id_extension IS NULL AND @GrainIdExtensionString IS NULL))
  AND version = @GrainStateVersion
RETURNING version AS "NewGrainStateVersion";
$sql$),

-- Clear by deleting the row (used when the storage option DeleteStateOnClear is set), only if
-- still at @GrainStateVersion. Answers version + 1 (any value other than the grain's etag means
-- success to the provider), or no row on conflict.
('DeleteStorageKey', $sql$
DELETE FROM orleans_grain_state
WHERE service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_n0 = @GrainIdN0
  AND (grain_id_extension = @GrainIdExtensionString
       OR (grain_id_extension IS NULL AND @GrainIdExtensionString IS NULL))
  AND version = @GrainStateVersion
RETURNING version + 1 AS "NewGrainStateVersion";
$sql$);
