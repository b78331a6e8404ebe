#!/usr/bin/env python3
"""A plain Python implementation of `mx-aggregation batch`, for benches/batch.sh.

usage: batch_reference.py NOW < members.jsonl > decisions.jsonl

The same rules as src/decide/rules.rs with the default Policy and the end user present, for full
member reads (no webhooks, no error codes), written the obvious way (json + datetime), to
show what the Rust tool is measured against. For the members that
../shared/bench/gen_members.py generates, its output is byte for byte the same as
`mx-aggregation batch --now NOW`; benches/batch.sh checks that. It is a reference for
speed, not a second implementation to maintain: error lines carry Python's messages, and
datetime keeps microseconds where chrono keeps nanoseconds.
"""
import json
import sys
from datetime import datetime, timedelta, timezone

COOLDOWN = timedelta(hours=3)
FRESH_FOR = timedelta(hours=24)
MIN_POLL = timedelta(seconds=3)
MAX_POLL = timedelta(minutes=5)
POLL_BACKOFF_DIVISOR = 10
TRANSIENT_STALL = timedelta(minutes=10)
DELAYED_RECHECK = timedelta(hours=1)
DELAYED_STALL = timedelta(hours=24)

GROUP = {}
for group, names in {
    "terminal": "CLOSED DISABLED DISCONTINUED",
    "challenged": "CHALLENGED",
    "needs_credentials": "PREVENTED DENIED IMPAIRED IMPORTED",
    "needs_institution": "LOCKED IMPEDED",
    "connected": "CONNECTED",
    "failed": "FAILED DEGRADED DISCONNECTED",
    "mfa_failed": "REJECTED EXPIRED",
    "reconnected": "RECONNECTED",
    "transient": "CREATED UPDATED RESUMED",
    "pending": "PENDING",
    "delayed": "DELAYED",
}.items():
    for name in names.split():
        GROUP[name] = group
BY_ID = ["CREATED", "PREVENTED", "DENIED", "CHALLENGED", "REJECTED", "LOCKED", "CONNECTED",
         "IMPEDED", "RECONNECTED", "DEGRADED", "DISCONNECTED", "DISCONTINUED", "CLOSED",
         "DELAYED", "FAILED", "UPDATED", "DISABLED", "IMPORTED", "RESUMED", "EXPIRED",
         "IMPAIRED", "PENDING"]
END_USER = {"answer_mfa", "update_credentials", "resolve_at_institution", "aggregate",
            "authorize_oauth"}


def parse_time(value):
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, timezone.utc)
    return datetime.fromisoformat(value).astimezone(timezone.utc)


def rfc3339(t):
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    if t.microsecond % 1000 == 0 and t.microsecond:
        text += ".%03d" % (t.microsecond // 1000)
    elif t.microsecond:
        text += ".%06d" % t.microsecond
    return text + "Z"


def ceil_secs(d):
    micros = (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds
    return -(-micros // 1_000_000)


def poll_backoff_secs(started, now):
    age = now - started if started is not None and started <= now else timedelta(0)
    return ceil_secs(min(max(age / POLL_BACKOFF_DIVISOR, MIN_POLL), MAX_POLL))


def aggregate_after_cooldown(latest, now, reason):
    # The cooldown ends on the first whole second at or after the latest job or success
    # + COOLDOWN.
    if latest is None:
        return {"action": "aggregate"}, reason
    until = latest + COOLDOWN
    if until.microsecond:
        until = until.replace(microsecond=0) + timedelta(seconds=1)
    if now >= until:
        return {"action": "aggregate"}, reason
    return {"action": "wait", "until": rfc3339(until)}, "cooldown"


def by_oauth(m, oauth, credentials):
    if m.get("is_oauth") is None:
        return {"action": "read_member"}, "oauth_unknown"
    return oauth if m["is_oauth"] else credentials


def decide(m, now):
    if "connection_status" not in m and "connection_status_id" not in m:
        raise ValueError("not a member payload")
    if m.get("is_manual"):
        return {"action": "stop"}, "manual_member"
    status = m.get("connection_status")
    if status is None and m.get("connection_status_id") is not None:
        status = BY_ID[m["connection_status_id"]]
    busy = bool(m.get("is_being_aggregated"))
    started = parse_time(m.get("aggregated_at"))
    success = parse_time(m.get("successfully_aggregated_at"))
    latest = max((t for t in (started, success) if t is not None), default=None)
    group = GROUP[status] if status is not None else None
    if group not in ("terminal", "challenged"):
        if busy:
            return {"action": "poll", "after_secs": poll_backoff_secs(started, now)}, "aggregation_in_progress"
        if status is None:
            return {"action": "stop"}, "no_credentials"
        if m.get("needs_updated_credentials"):
            return by_oauth(m, ({"action": "authorize_oauth"}, "oauth_reauthorization"),
                            ({"action": "update_credentials"}, "needs_updated_credentials"))
    if group == "terminal":
        return {"action": "stop"}, "terminal_status"
    if group == "challenged":
        return {"action": "answer_mfa"}, "mfa_challenge"
    if group == "needs_credentials":
        return by_oauth(m, ({"action": "authorize_oauth"}, "oauth_reauthorization"),
                        ({"action": "update_credentials"}, "credentials_required"))
    if group == "pending":
        return by_oauth(m, ({"action": "authorize_oauth"}, "oauth_pending"),
                        ({"action": "update_credentials"}, "pending_credentials"))
    if group == "needs_institution":
        return {"action": "resolve_at_institution"}, "institution_action_required"
    if group == "connected":
        if success is not None and now - success < FRESH_FOR:
            return {"action": "read_data", "as_of": rfc3339(success)}, "fresh_data"
        return aggregate_after_cooldown(latest, now, "stale_data")
    if group == "failed":
        return aggregate_after_cooldown(latest, now, "aggregation_failed")
    if group == "mfa_failed":
        return aggregate_after_cooldown(latest, now, "mfa_failed")
    if group == "reconnected":
        return aggregate_after_cooldown(latest, now, "foreground_required")
    if group == "transient":
        if started is not None and now - started < TRANSIENT_STALL:
            return {"action": "poll", "after_secs": poll_backoff_secs(started, now)}, "aggregation_starting"
        return aggregate_after_cooldown(latest, now, "aggregation_stalled")
    # delayed
    if started is not None and now - started < DELAYED_STALL:
        return {"action": "poll", "after_secs": ceil_secs(DELAYED_RECHECK)}, "aggregation_delayed"
    return aggregate_after_cooldown(latest, now, "aggregation_stalled")


def main():
    now = parse_time(int(sys.argv[1]) if sys.argv[1].lstrip("-").isdigit() else sys.argv[1])
    out = sys.stdout
    for line_no, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            m = json.loads(line)
            if isinstance(m.get("member"), dict):
                m = m["member"]
            guid = m.get("guid") or m.get("member_guid")
            action, reason = decide(m, now)
        except (ValueError, KeyError, TypeError, IndexError) as e:
            out.write(json.dumps({"line": line_no, "error": str(e)}, separators=(",", ":")) + "\n")
            continue
        decision = {"guid": guid} if guid is not None else {}
        decision.update(action)
        decision["reason"] = reason
        decision["requires_end_user"] = action["action"] in END_USER
        out.write(json.dumps(decision, separators=(",", ":"), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
