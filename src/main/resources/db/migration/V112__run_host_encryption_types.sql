-- A node's msDS-SupportedEncryptionTypes, so that CHANGED_SINCE_LAST_RUN can tell when it changed: 0 where the
-- attribute is absent or 0 (both leave the choice to the KDC's default), null in runs stored before this
-- migration (not recorded: nothing to compare with). Portable SQL (H2 2.x and PostgreSQL 12+).
ALTER TABLE run_host ADD COLUMN enc_types INTEGER;
