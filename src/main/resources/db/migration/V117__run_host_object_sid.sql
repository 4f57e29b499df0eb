-- The runs that recorded a computer's objectSid, found by it: a node not in the previous run is compared with the last
-- run that recorded its objectSid under another name (renamed while the runs in between, still naming it by its old
-- name, did not find it), without reading every stored host of every run. Portable SQL (H2 2.x and PostgreSQL 12+).
CREATE INDEX run_host_object_sid ON run_host (object_sid);
