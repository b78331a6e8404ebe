// The emulator's dashboard: reads the control plane's JSON every second and keeps one
// table row per member, webhook, fault rule and journal entry (rows are updated in
// place, so a control being used is never replaced under the pointer).
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("config").textContent);
  const $ = (id) => document.getElementById(id);
  const errorBox = $("error");
  let traced = null;
  let journalSince = null;

  async function call(method, path, payload) {
    const init = { method: method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (payload !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(payload);
    }
    // location.origin never carries the user:password a URL may have been opened with.
    const response = await fetch(location.origin + path, init);
    const text = await response.text();
    const json = text ? JSON.parse(text) : {};
    if (!response.ok) throw new Error(method + " " + path + ": " + response.status + " " + ((json.error && json.error.message) || ""));
    return json;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function str(value) {
    return value === null || value === undefined ? "—" : String(value);
  }
  /// The row `key` of `body`, made by `make` the first time.
  function row(body, key, make) {
    let tr = body.querySelector('tr[data-key="' + CSS.escape(String(key)) + '"]');
    if (!tr) {
      tr = make();
      tr.dataset.key = key;
      body.appendChild(tr);
    }
    return tr;
  }
  function setText(tr, test, text) {
    const cell = tr.querySelector('[data-test="' + test + '"]');
    if (cell.textContent !== text) cell.textContent = text;
  }

  // ---- clock ----------------------------------------------------------------------------
  function showClock(now) {
    const time = document.querySelector('[data-test="clock-now"]');
    // The virtual clock only moves forward: an answer read before an advance is older.
    if (now < time.getAttribute("datetime")) return;
    time.setAttribute("datetime", now);
    time.textContent = now;
  }
  $("advance").addEventListener("submit", (event) => {
    event.preventDefault();
    const seconds = Number($("clock-seconds").value);
    if (!Number.isInteger(seconds) || seconds < 0) {
      errorBox.textContent = "clock-seconds: a whole number of seconds >= 0, got " + $("clock-seconds").value;
      return;
    }
    call("POST", "/emulator/clock", { advance_seconds: seconds })
      .then((answer) => { showClock(answer.now); return tick(); })
      .catch(report);
  });

  // ---- members --------------------------------------------------------------------------
  function memberRow(m) {
    const tr = el("tr", { "data-test": "member", "data-guid": m.guid });
    tr.appendChild(el("td", { class: "guid", "data-test": "member-guid" }, m.guid));
    for (const test of ["member-status", "member-aggregating", "member-aggregated-at", "member-success-at"]) {
      tr.appendChild(el("td", { "data-test": test }));
    }
    const force = el("td");
    const select = el("select", { "data-test": "force-status", "aria-label": "status to force" });
    for (const s of config.statuses) select.appendChild(el("option", { value: s }, s));
    const apply = el("button", { type: "button", "data-test": "force-status-apply" }, "Force");
    apply.addEventListener("click", () => {
      call("POST", "/emulator/members/" + m.guid + "/connection_status", { connection_status: select.value })
        .then(tick).catch(report);
    });
    force.append(select, " ", apply);
    tr.appendChild(force);
    const traceCell = el("td");
    const show = el("button", { type: "button", class: "plain", "data-test": "show-trace" }, "Trace");
    show.addEventListener("click", () => { traced = m.guid; tick(); });
    traceCell.appendChild(show);
    tr.appendChild(traceCell);
    for (const test of ["member-institution", "member-user", "member-created-at"]) {
      tr.appendChild(el("td", { "data-test": test }));
    }
    return tr;
  }
  function showMembers(members) {
    const body = $("members");
    for (const m of members) {
      const tr = row(body, m.guid, () => memberRow(m));
      setText(tr, "member-user", m.user_guid);
      setText(tr, "member-institution", m.institution_code);
      setText(tr, "member-status", str(m.connection_status));
      setText(tr, "member-aggregating", String(m.is_being_aggregated));
      setText(tr, "member-aggregated-at", str(m.aggregated_at));
      setText(tr, "member-success-at", str(m.successfully_aggregated_at));
      setText(tr, "member-created-at", str(m.created_at));
    }
    const kept = new Set(members.map((m) => m.guid));
    for (const tr of Array.from(body.children)) if (!kept.has(tr.dataset.key)) tr.remove();
  }

  // ---- trace ----------------------------------------------------------------------------
  function showTrace(answer) {
    $("trace-section").hidden = false;
    $("trace-guid").textContent = answer.member_guid;
    const body = $("trace");
    body.textContent = "";
    answer.trace.forEach((t) => {
      const tr = el("tr", { "data-test": "trace-entry" });
      for (const v of [t.at, t.from, t.event, t.to, t.cause]) tr.appendChild(el("td", {}, str(v)));
      tr.appendChild(el("td", { class: "wrap" }, str(t.rule)));
      body.appendChild(tr);
    });
  }

  // ---- webhooks -------------------------------------------------------------------------
  function webhookRow(w) {
    const tr = el("tr", { "data-test": "webhook", "data-id": String(w.id) });
    tr.appendChild(el("td", { "data-test": "webhook-id" }, String(w.id)));
    for (const test of ["webhook-type", "webhook-member", "webhook-state", "webhook-queued-at"]) tr.appendChild(el("td", { "data-test": test }));
    const attempts = el("td");
    attempts.appendChild(el("ol", { class: "attempts", "data-test": "webhook-attempts" }));
    tr.appendChild(attempts);
    const again = el("td");
    const button = el("button", { type: "button", "data-test": "redeliver", "data-id": String(w.id) }, "Redeliver");
    button.addEventListener("click", () => { call("POST", "/emulator/webhooks/" + w.id + "/redeliver").then(tick).catch(report); });
    again.appendChild(button);
    tr.appendChild(again);
    return tr;
  }
  function showWebhooks(webhooks) {
    const body = $("webhooks");
    for (const w of webhooks) {
      const tr = row(body, w.id, () => webhookRow(w));
      setText(tr, "webhook-type", str(w.type) + (w.body && w.body.action ? " " + w.body.action : ""));
      setText(tr, "webhook-member", str(w.member_guid));
      setText(tr, "webhook-state", w.state);
      setText(tr, "webhook-queued-at", w.queued_at);
      const list = tr.querySelector('[data-test="webhook-attempts"]');
      if (list.children.length !== w.attempts.length) {
        list.textContent = "";
        for (const a of w.attempts) {
          list.appendChild(el("li", { "data-test": "webhook-attempt" }, a.at + " " + a.outcome + (a.status ? " " + a.status : "") + (a.error ? " " + a.error : "")));
        }
      }
    }
    const kept = new Set(webhooks.map((w) => String(w.id)));
    for (const tr of Array.from(body.children)) if (!kept.has(tr.dataset.key)) tr.remove();
  }

  // ---- faults ---------------------------------------------------------------------------
  function showFaults(answer) {
    const body = $("faults");
    body.textContent = "";
    answer.rules.forEach((r, i) => {
      const tr = el("tr", { "data-test": "fault-rule" });
      tr.appendChild(el("td", { class: "mono" }, (r.rule && r.rule.name) || JSON.stringify(r.rule) || "rule " + i));
      tr.appendChild(el("td", { "data-test": "fault-matched" }, String(r.matched)));
      tr.appendChild(el("td", { "data-test": "fault-fired" }, String(r.fired)));
      body.appendChild(tr);
    });
    if (answer.rules.length === 0) body.appendChild(el("tr")).appendChild(el("td", { colspan: "3", class: "muted" }, "no fault plan loaded"));
  }

  // ---- journal --------------------------------------------------------------------------
  function showRequests(answer) {
    const body = $("requests");
    for (const r of answer.requests) {
      const tr = el("tr", { "data-test": "request" });
      for (const v of [r.seq, r.at, r.method, r.path, r.status]) tr.appendChild(el("td", {}, str(v)));
      tr.appendChild(el("td", { class: "wrap" }, str(r.rule)));
      body.insertBefore(tr, body.firstChild);
      journalSince = r.seq;
    }
    while (body.children.length > 200) body.lastChild.remove();
  }

  // ---- refresh --------------------------------------------------------------------------
  async function refresh() {
    const since = journalSince === null ? "" : "?since=" + journalSince;
    const [clock, members, webhooks, faults, requests] = await Promise.all([
      call("GET", "/emulator/clock"),
      call("GET", "/emulator/members"),
      call("GET", "/emulator/webhooks"),
      call("GET", "/emulator/faults"),
      call("GET", "/emulator/requests" + since),
    ]);
    showClock(clock.now);
    showMembers(members.members);
    showWebhooks(webhooks.webhooks);
    showFaults(faults);
    showRequests(requests);
    if (traced) showTrace(await call("GET", "/emulator/members/" + traced + "/trace"));
    errorBox.textContent = "";
  }
  function report(error) {
    errorBox.textContent = String(error.message || error);
  }
  let busy = false;
  async function tick() {
    if (busy) return;
    busy = true;
    try { await refresh(); } catch (error) { report(error); } finally { busy = false; }
  }
  tick();
  setInterval(tick, 1000);
})();
