-- 0002: cluster membership tables and the statements Orleans uses to read and change them.
-- Follows the contract of Microsoft.Orleans.Clustering.AdoNet 10.4.2 (silo membership table and
-- the client gateway list provider), invariant "Npgsql". Written for this project.
--
-- Contract notes (what the provider expects; the SQL below is ours):
--  * Statements receive named parameters (@DeploymentId = the Orleans ClusterId, @Address, @Port,
--    @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime,
--    @SuspectTimes, @Version). Times arrive as UTC timestamptz.
--  * Rows are read by column name: Address, Port, Generation, SiloName, HostName, Status,
--    ProxyPort, SuspectTimes, StartTime, IAmAliveTime and Version (the table version). The
--    integer columns are read as 32-bit integers.
--  * Every membership change is conditional on the table version the silo last read (@Version).
--    A change either applies completely and advances the version by one, or changes nothing and
--    reports false. Reads of membership return the version row even when no silo row matches.
--  * SiloStatus values: 3 = Active, 6 = Dead.

-- One row per cluster: the version every membership change is checked against and advances.
CREATE TABLE orleans_membership_version
(
    deployment_id varchar(150) NOT NULL,
    version       integer      NOT NULL DEFAULT 0,
    changed_at    timestamptz  NOT NULL DEFAULT now(),

    CONSTRAINT orleans_membership_version_pkey PRIMARY KEY (deployment_id)
);

-- One row per silo incarnation (endpoint + generation).
CREATE TABLE orleans_membership
(
    deployment_id   varchar(150) NOT NULL,
    address         varchar(45)  NOT NULL,
    port            integer      NOT NULL,
    generation      integer      NOT NULL,
    silo_name       varchar(150) NOT NULL,
    host_name       varchar(150) NOT NULL,
    status          integer      NOT NULL,
    proxy_port      integer      NOT NULL,
    suspect_times   text         NULL,
    start_time      timestamptz  NOT NULL,
    i_am_alive_time timestamptz  NOT NULL,

    CONSTRAINT orleans_membership_pkey PRIMARY KEY (deployment_id, address, port, generation),
    CONSTRAINT orleans_membership_version_fkey FOREIGN KEY (deployment_id)
        REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE
);

INSERT INTO orleansquery (querykey, querytext)
VALUES

-- Silo start-up: make sure the cluster has its version row. Answers one boolean: created now.
('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id)
    VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING deployment_id
)
SELECT EXISTS (SELECT 1 FROM created) AS "Created";
$sql$),

-- A silo announces itself. Succeeds only if the cluster is still at @Version and the silo row is
-- new; then the row is added and the version advanced in the same statement. Locking the version
-- row first serialises all membership changes of the cluster. Answers one boolean.
('InsertMembershipKey', $sql$
WITH expected AS (
    SELECT deployment_id
    FROM orleans_membership_version
    WHERE deployment_id = @DeploymentId AND version = @Version
    FOR UPDATE
),
added AS (
    INSERT INTO orleans_membership
        (deployment_id, address, port, generation, silo_name, host_name,
         status, proxy_port, start_time, i_am_alive_time)
    SELECT e.deployment_id, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM expected e
    ON CONFLICT (deployment_id, address, port, generation) DO NOTHING
    RETURNING deployment_id
),
advanced AS (
    UPDATE orleans_membership_version v
    SET version = v.version + 1, changed_at = now()
    FROM added a
    WHERE v.deployment_id = a.deployment_id
    RETURNING v.deployment_id
)
SELECT EXISTS (SELECT 1 FROM advanced) AS "Succeeded";
$sql$),

-- A silo row changes status / suspicion votes. Same all-or-nothing rule as the insert: the silo
-- row must exist and the cluster must still be at @Version. The heartbeat time never moves back.
('UpdateMembershipKey', $sql$
WITH expected AS (
    SELECT deployment_id
    FROM orleans_membership_version
    WHERE deployment_id = @DeploymentId AND version = @Version
    FOR UPDATE
),
changed AS (
    UPDATE orleans_membership m
    SET status          = @Status,
        suspect_times   = @SuspectTimes,
        i_am_alive_time = GREATEST(m.i_am_alive_time, @IAmAliveTime)
    FROM expected e
    WHERE m.deployment_id = e.deployment_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    RETURNING m.deployment_id
),
advanced AS (
    UPDATE orleans_membership_version v
    SET version = v.version + 1, changed_at = now()
    FROM changed c
    WHERE v.deployment_id = c.deployment_id
    RETURNING v.deployment_id
)
SELECT EXISTS (SELECT 1 FROM advanced) AS "Succeeded";
$sql$),

-- Heartbeat of one silo. Not version-checked and does not advance the version; the result is not
-- read. The stored time never moves back.
('UpdateIAmAlivetimeKey', $sql$
UPDATE orleans_membership
SET i_am_alive_time = GREATEST(i_am_alive_time, @IAmAliveTime)
WHERE deployment_id = @DeploymentId
  AND address = @Address AND port = @Port AND generation = @Generation;
$sql$),

-- One silo's row plus the table version. Always one row while the cluster exists; the silo
-- columns are NULL when the silo has no row.
('MembershipReadRowKey', $sql$
SELECT v.version         AS "Version",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m
       ON m.deployment_id = v.deployment_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId;
$sql$),

-- Every silo row of the cluster plus the table version (one row with NULL silo columns when the
-- cluster has no silos yet).
('MembershipReadAllKey', $sql$
SELECT v.version         AS "Version",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId;
$sql$),

-- Gateways for clients: silos in status @Status (Active) that expose a gateway port.
('GatewaysQueryKey', $sql$
SELECT address    AS "Address",
       proxy_port AS "ProxyPort",
       generation AS "Generation"
FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND status = @Status
  AND proxy_port > 0;
$sql$),

-- Removes a whole cluster (version row; the silo rows follow through the foreign key).
('DeleteMembershipTableEntriesKey', $sql$
DELETE FROM orleans_membership_version
WHERE deployment_id = @DeploymentId;
$sql$),

-- Required bulk clean-up: drops Dead silo rows whose start and last heartbeat are both before
-- @IAmAliveTime. Does not advance the table version. (With the optional key below present, the
-- 10.4.2 provider uses that one instead.)
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND status = 6
  AND i_am_alive_time < @IAmAliveTime
  AND start_time < @IAmAliveTime;
$sql$),

-- Optional per-row clean-up used by the 10.4.2 provider when present: it has already chosen a
-- Dead row old enough to drop and passes the values it saw; the row is deleted only if it is
-- still Dead and unchanged (a missing and an empty vote list count as the same). Does not
-- advance the table version.
('CleanupDefunctSiloEntryKey', $sql$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND address = @Address AND port = @Port AND generation = @Generation
  AND status = 6
  AND start_time = @StartTime
  AND i_am_alive_time = @IAmAliveTime
  AND COALESCE(suspect_times, '') = COALESCE(@SuspectTimes, '');
$sql$);
