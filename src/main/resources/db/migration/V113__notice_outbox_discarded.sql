-- kcd-audit outbox --discard: a notice that cannot be delivered is marked DISCARDED (status stays a VARCHAR(16)
-- without a CHECK, so the new value needs no change there), never deleted: the row says who discarded it and when.
-- Portable SQL (H2 2.x and PostgreSQL 12+).
ALTER TABLE notice_outbox ADD COLUMN discarded_by VARCHAR(200);
ALTER TABLE notice_outbox ADD COLUMN discarded_at TIMESTAMP WITH TIME ZONE;
