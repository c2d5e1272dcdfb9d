-- The outbox relay looks for the oldest unpublished pairs and quadruples every second. Without an index that was a
-- scan of the whole table each time, and these tables hold every pair and quadruple of every run (a second of the
-- database's CPU per second at SPA-VL scale). Almost every row is published within a second, so these partial
-- indexes stay a few pages small.
CREATE INDEX pairs_unpublished ON pairs (proposed_at) WHERE NOT published;
CREATE INDEX quadruples_unpublished ON quadruples (assembled_at) WHERE NOT published;
