-- 0001: the catalogue of SQL statements the Orleans ADO.NET providers run against this database.
-- Follows the contract of Microsoft.Orleans.Clustering.AdoNet, Microsoft.Orleans.Persistence.AdoNet
-- and Microsoft.Orleans.Reminders.AdoNet 10.4.2 (invariant "Npgsql"). Written for this project.
--
-- At start-up every provider loads its statements from here by key; the scripts that follow
-- (0002 clustering, 0003 grain state, 0004 reminders) each add their own rows. The providers
-- issue the unquoted query "SELECT QueryKey, QueryText FROM OrleansQuery", which PostgreSQL folds
-- to lower case, so the table and its two columns must be named exactly as below and must be
-- reachable through the connection's search_path.

CREATE TABLE orleansquery
(
    querykey  varchar(64) NOT NULL,
    querytext text        NOT NULL,

    CONSTRAINT orleansquery_pkey PRIMARY KEY (querykey)
);
