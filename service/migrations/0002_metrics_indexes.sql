-- `/metrics` counts over whole tables (webhooks received and repeated, members by action,
-- completed syncs), and a load balancer or a harness polls it often. Without these
-- indexes each count read every row of `webhooks` (bodies included) and of `members`
-- (states included), tens of megabytes at 10,000 members after a week, on the one
-- SQLite connection every drive waits for. With them each count reads a narrow index.
CREATE INDEX webhooks_by_repeats ON webhooks (repeats);
CREATE INDEX members_by_action ON members (action, syncs);
