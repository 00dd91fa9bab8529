-- 0005: service-level events (offers, declines, lapsed offers, missed deadlines, escalations),
-- append-only. Replaces the per-hour service log grains, whose whole state was rewritten on every
-- event. Written by PostgresServiceEventStore; read by ListServiceEvents.
--
--  * One row per event, identified by (order_id, order_revision): an order replaying its effects
--    after a crash inserts with ON CONFLICT DO NOTHING, so a replay is ignored.
--  * Times keep .NET's 100 ns resolution: "at" holds the time truncated to microseconds (what
--    timestamptz can hold) and "at_tick" the remaining 100 ns ticks (0-9), so an event reads back
--    with exactly the time in the order's audit trail and paging positions compare exactly.
--  * order_id and region use the "C" collation: the listing order is ordinal, as in memory.
--  * region is the region the event is listed under: the outlet's region, or '_' for none.
--  * action is the OrderAction number (the same numbers as the public API's OrderAction).

CREATE TABLE service_events
(
    order_id       text COLLATE "C" NOT NULL,
    order_revision integer          NOT NULL,
    action         smallint         NOT NULL,
    at             timestamptz      NOT NULL,
    at_tick        smallint         NOT NULL CHECK (at_tick BETWEEN 0 AND 9),
    outlet_id      text             NOT NULL,
    region         text COLLATE "C" NOT NULL,
    detail         text             NOT NULL,

    CONSTRAINT service_events_pkey PRIMARY KEY (order_id, order_revision)
);

-- Listing: one region's events in reading order, resumed after the last position a page returned.
CREATE INDEX service_events_listing_idx ON service_events (region, at, at_tick, order_id, order_revision);
