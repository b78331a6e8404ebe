-- Each stored transaction's mark: a digest of MX's text (mx_aggregation_client's
-- `text_digest`, a signed 64-bit number) and its PENDING day (NULL: not PENDING; '' when
-- its date does not read as a day). A later sync lists the member's whole history to
-- find the rows MX changed; it compares each listed row with the mark held for its guid,
-- read from this index alone (a few dozen bytes a row), instead of loading every stored
-- body first (about 0.75 MB a member). Rows stored before have no mark: the next sync
-- of their member loads their text once and writes their mark.
ALTER TABLE transactions ADD COLUMN digest BIGINT;
ALTER TABLE transactions ADD COLUMN pending_day TEXT;
CREATE INDEX transactions_marks ON transactions (member_guid, digest, guid, pending_day);
