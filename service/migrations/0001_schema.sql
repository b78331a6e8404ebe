-- One schema for SQLite and PostgreSQL: TEXT, BIGINT (times as Unix milliseconds, flags as
-- 0/1), no engine-specific types. JSON is stored as TEXT.

-- End users, by MX's guid; `id` is the caller's own identifier (MX's user `id`).
CREATE TABLE users (
    guid TEXT PRIMARY KEY,
    id TEXT UNIQUE,
    created_at BIGINT NOT NULL
);

-- Members, by MX's guid: the folded MemberState, the latest decision, the sync checkpoint.
CREATE TABLE members (
    guid TEXT PRIMARY KEY,
    user_guid TEXT NOT NULL,
    member_id TEXT,
    state TEXT NOT NULL,
    connection_status TEXT,
    action TEXT,
    reason TEXT,
    requires_end_user BIGINT,
    challenges TEXT,
    oauth_window_uri TEXT,
    user_message TEXT,
    synced_through TEXT,
    checkpoint TEXT NOT NULL,
    data_due TEXT,
    syncs BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX members_by_user_id ON members (user_guid, member_id);

-- One wake-up per member: when to drive it next (NULL: only a webhook or the end user
-- wakes it), and the lease of the worker driving it, fenced by `attempt`.
CREATE TABLE wakeups (
    member_guid TEXT PRIMARY KEY,
    run_at BIGINT,
    owner TEXT,
    lease_until BIGINT,
    attempt BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX wakeups_by_run_at ON wakeups (run_at);

-- MX's webhooks, one row per distinct body (digest of its canonical JSON).
CREATE TABLE webhooks (
    digest TEXT PRIMARY KEY,
    member_guid TEXT,
    user_guid TEXT,
    body TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    repeats BIGINT NOT NULL DEFAULT 0,
    folded BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX webhooks_by_member ON webhooks (member_guid, folded);

-- The stored copy of each member's accounts and transactions, as MX sent them.
CREATE TABLE accounts (
    member_guid TEXT NOT NULL,
    guid TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (member_guid, guid)
);
CREATE TABLE transactions (
    member_guid TEXT NOT NULL,
    guid TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (member_guid, guid)
);

-- Idempotency keys of member creates: the key, the MX member `id` it stands for, and the
-- member once MX answered.
CREATE TABLE idempotency_keys (
    user_guid TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    member_id TEXT NOT NULL,
    member_guid TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_guid, idem_key)
);

-- MX calls that may have taken effect, written before they are sent and settled after
-- MX's answer is recorded: an unsettled row is a call in doubt.
CREATE TABLE mx_calls (
    call_key TEXT PRIMARY KEY,
    call TEXT NOT NULL,
    user_guid TEXT,
    member_guid TEXT,
    member_id TEXT,
    sent_at BIGINT NOT NULL,
    settled_at BIGINT,
    result TEXT
);

-- Settings shared by every instance: MX's global Retry-After.
CREATE TABLE gates (
    name TEXT PRIMARY KEY,
    until_ms BIGINT NOT NULL
);
