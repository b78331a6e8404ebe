// The emulated Connect widget: search, credentials, MFA, OAuth, then follow the member
// until it connects or fails. Events go to the host as MX's widget sends them with
// ui_message_version 4 (postMessage to window.parent, or navigations to
// <scheme>://connect/<event>?metadata=<JSON> in a mobile WebView).
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("config").textContent);
  const $ = (id) => document.getElementById(id);
  const searchStep = $("search-step"), search = $("search"), results = $("results");
  const form = $("step-form"), title = $("step-title"), body = $("step-body"), submit = $("submit");
  const oauthStep = $("oauth-step"), oauthContinue = $("oauth-continue"), status = $("status");

  // ---- events -------------------------------------------------------------------------
  const navigations = [];
  let navigating = false;
  function navigateNext() {
    const url = navigations.shift();
    if (url === undefined) { navigating = false; return; }
    navigating = true;
    window.location.href = url;
    setTimeout(navigateNext, 150);
  }
  function emit(type, metadata) {
    const full = Object.assign({ user_guid: config.user_guid, session_guid: config.session_guid }, metadata || {});
    if (config.is_mobile_webview) {
      const path = type.replace(/^mx\//, "");
      navigations.push(config.ui_message_webview_url_scheme + "://" + path + "?metadata=" + encodeURIComponent(JSON.stringify(full)));
      if (!navigating) navigateNext();
    } else if (window.parent !== window) {
      window.parent.postMessage({ mx: true, type: type, metadata: full }, "*");
    }
  }

  // ---- requests -----------------------------------------------------------------------
  async function call(method, path, payload) {
    const init = { method: method, headers: { Accept: "application/json" } };
    if (payload !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(payload);
    }
    const response = await fetch(config.api + path, init);
    const text = await response.text();
    const json = text ? JSON.parse(text) : {};
    if (!response.ok) {
      const message = (json.error && json.error.message) || response.statusText;
      throw new Error(response.status + ": " + message);
    }
    return json;
  }

  // ---- view helpers -------------------------------------------------------------------
  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function setStatus(code, message) {
    status.textContent = "";
    if (code) {
      status.appendChild(el("span", { class: "code" }, code));
      status.appendChild(document.createTextNode(" — "));
    }
    status.appendChild(document.createTextNode(message));
  }
  function show(section) {
    searchStep.hidden = section !== "search";
    form.hidden = section !== "form";
    oauthStep.hidden = section !== "oauth";
  }

  // ---- state --------------------------------------------------------------------------
  let institution = null; // {code, guid, name, is_oauth}
  let fields = [];        // the institution's credential fields
  let member = null;      // the member as last read
  let formKind = null;    // "create" | "update" | "mfa"
  let shownChallenges = "";
  let lastStatus;
  let connected = false;
  let polling = null;
  let updateForm = false; // update_credentials: the form first, whatever the status

  // ---- search -------------------------------------------------------------------------
  let searchSeq = 0;
  async function runSearch() {
    const seq = ++searchSeq;
    const query = search.value.trim();
    const found = await call("GET", "/institutions?search=" + encodeURIComponent(query));
    if (seq !== searchSeq) return;
    // An institution found again keeps its element, so a click between keystrokes lands.
    const wanted = new Set(found.institutions.map((i) => i.code));
    for (const item of Array.from(results.children)) {
      if (!wanted.has(item.dataset.code)) item.remove();
    }
    for (const inst of found.institutions) {
      let item = results.querySelector('li[data-code="' + inst.code + '"]');
      if (!item) {
        item = el("li", { "data-code": inst.code });
        const button = el("button", { type: "button", "data-test": "institution", "data-code": inst.code }, inst.name);
        button.addEventListener("click", () => pick(inst).catch(fail));
        item.appendChild(button);
      }
      results.appendChild(item);
    }
  }
  search.addEventListener("input", () => { runSearch().catch(fail); });

  async function pick(inst) {
    institution = inst;
    emit("mx/connect/selectedInstitution", { code: inst.code, guid: inst.guid, name: inst.name, url: inst.url });
    if (inst.is_oauth) {
      setStatus("", "Connecting to " + inst.name + "…");
      const created = await call("POST", "/members", { institution_code: inst.code });
      follow(created.member);
      return;
    }
    await credentialForm("create");
  }

  // ---- credentials --------------------------------------------------------------------
  async function credentialForm(kind) {
    const found = await call("GET", "/institutions/" + encodeURIComponent(institution.code) + "/credentials");
    fields = found.credentials;
    formKind = kind;
    shownChallenges = "";
    title.textContent = (kind === "update" ? "Update your credentials for " : "Log in to ") + institution.name;
    body.textContent = "";
    for (const f of fields) {
      const id = "credential-" + f.field_name;
      body.appendChild(el("label", { for: id }, f.label));
      body.appendChild(el("input", {
        id: id, "data-test": "credential", name: f.field_name,
        type: f.field_type === "PASSWORD" ? "password" : "text", autocomplete: "off",
      }));
    }
    submit.textContent = "Continue";
    show("form");
    if (kind === "update") {
      emit("mx/connect/updateCredentials", { member_guid: member.guid, institution: { code: institution.code, guid: institution.guid } });
    } else {
      emit("mx/connect/enterCredentials", { institution: { code: institution.code, guid: institution.guid } });
      setStatus("", "Enter your " + institution.name + " credentials.");
    }
  }
  function typedCredentials() {
    return fields.map((f) => ({ guid: f.guid, value: form.querySelector('[name="' + f.field_name + '"]').value }));
  }

  // ---- MFA ----------------------------------------------------------------------------
  function mfaForm(challenges) {
    const key = challenges.map((c) => c.guid).join(",");
    if (formKind === "mfa" && key === shownChallenges) return;
    formKind = "mfa";
    shownChallenges = key;
    title.textContent = "Verify your identity";
    body.textContent = "";
    for (const c of challenges) {
      body.appendChild(el("p", {}, c.label));
      if (c.type === "TEXT" || c.type === "TOKEN") {
        body.appendChild(el("input", { "data-test": "mfa-answer", name: c.guid, type: "text", autocomplete: "off", "aria-label": c.label }));
        continue;
      }
      if (c.image_data) body.appendChild(el("img", { class: "challenge-image", src: c.image_data, alt: "challenge image" }));
      // OPTIONS carry their options; MX Bank reads an image challenge's word as a choice of its answers.
      const options = c.options || [{ label: "correct", value: "correct" }, { label: "incorrect", value: "incorrect" }];
      const row = el("div", { class: "options", "data-challenge": c.guid });
      for (const o of options) {
        const button = el("button", { type: "button", class: "plain", "data-test": "mfa-option", "data-value": o.value, "aria-pressed": "false" }, o.label);
        button.addEventListener("click", () => {
          for (const other of row.querySelectorAll("button")) other.setAttribute("aria-pressed", "false");
          button.setAttribute("aria-pressed", "true");
          row.dataset.selected = o.value;
        });
        row.appendChild(button);
      }
      body.appendChild(row);
    }
    submit.textContent = "Submit";
    show("form");
  }
  function mfaAnswers() {
    const answers = [];
    for (const input of body.querySelectorAll('[data-test="mfa-answer"]')) answers.push({ guid: input.name, value: input.value });
    for (const row of body.querySelectorAll("[data-challenge]")) answers.push({ guid: row.dataset.challenge, value: row.dataset.selected || "" });
    return answers;
  }

  // ---- submit -------------------------------------------------------------------------
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send().catch(fail);
  });
  async function send() {
    submit.disabled = true;
    try {
      if (formKind === "create") {
        const created = await call("POST", "/members", { institution_code: institution.code, credentials: typedCredentials() });
        follow(created.member);
      } else if (formKind === "update") {
        updateForm = false;
        const updated = await call("PUT", "/members/" + member.guid, { credentials: typedCredentials() });
        follow(updated.member);
      } else if (formKind === "mfa") {
        const resumed = await call("PUT", "/members/" + member.guid + "/resume", { challenges: mfaAnswers() });
        emit("mx/connect/submitMFA", { member_guid: member.guid });
        follow(resumed.member);
      }
      formKind = null;
    } finally {
      submit.disabled = false;
    }
  }

  // ---- OAuth --------------------------------------------------------------------------
  // The member's open window URI is opened as it is; when there is none (used, refused),
  // a fresh one is asked for: the window is opened first, while the click still counts
  // as the user's, and pointed at the URI once it arrives.
  oauthContinue.addEventListener("click", () => {
    const requested = (url) => {
      emit("mx/connect/oauthRequested", { url: url, member_guid: member.guid });
      setStatus(member.connection_status, "Waiting for your authorization in the new window…");
    };
    if (member.oauth_window_uri) {
      const url = member.oauth_window_uri;
      member.oauth_window_uri = null;
      window.open(url, "_blank");
      requested(url);
      return;
    }
    const opened = window.open("about:blank", "_blank");
    call("POST", "/members/" + member.guid + "/oauth_window").then((w) => {
      const url = w.oauth_window_uri;
      if (opened) opened.location.href = url; else window.open(url, "_blank");
      requested(url);
    }).catch((error) => {
      if (opened) opened.close();
      fail(error);
    });
  });

  // ---- following the member -----------------------------------------------------------
  function follow(read) {
    render(read);
    if (!polling && !connected) polling = setInterval(() => { call("GET", "/members/" + member.guid).then((r) => render(r.member)).catch(fail); }, 400);
  }
  function render(read) {
    member = read;
    if (read.connection_status !== lastStatus) {
      lastStatus = read.connection_status;
      if (read.connection_status_id !== null) {
        emit("mx/connect/memberStatusUpdate", { member_guid: read.guid, connection_status: read.connection_status_id });
      }
    }
    if (connected) return;
    if (updateForm) {
      setStatus(read.connection_status, read.message);
      return;
    }
    switch (read.step) {
      case "working":
        setStatus(read.connection_status, "Connecting… " + read.message);
        formKind = null;
        show("none");
        break;
      case "mfa":
        setStatus(read.connection_status, read.message);
        mfaForm(read.challenges);
        break;
      case "credentials":
        setStatus(read.connection_status, read.message);
        if (formKind !== "update") {
          formKind = "update";
          credentialForm("update").catch(fail);
        }
        break;
      case "oauth":
        setStatus(read.connection_status, read.oauth === "refused" ? "Authorization was refused. " + read.message : read.message);
        formKind = null;
        show("oauth");
        break;
      case "connected":
        connected = true;
        clearInterval(polling);
        polling = null;
        show("none");
        setStatus(read.connection_status, read.message);
        const done = el("section", { "data-test": "done", class: "done" }, "Connected to " + (institution ? institution.name : read.institution_code) + ".");
        status.after(done);
        emit("mx/connect/memberConnected", { member_guid: read.guid });
        break;
      case "failed":
        setStatus(read.connection_status, read.message);
        formKind = null;
        show("none");
        break;
    }
  }
  function fail(error) {
    setStatus("ERROR", String(error.message || error));
    if (formKind === "create" && institution) {
      emit("mx/connect/createMemberError", { institution_guid: institution.guid, institution_code: institution.code });
    }
  }

  // ---- start --------------------------------------------------------------------------
  async function start() {
    const current = config.current_member;
    if (!current) {
      emit("mx/connect/loaded", { initial_step: "search" });
      search.focus();
      await runSearch();
      return;
    }
    const found = await call("GET", "/institutions?search=");
    institution = found.institutions.find((i) => i.code === current.institution_code) || null;
    const read = (await call("GET", "/members/" + current.guid)).member;
    member = read;
    if (config.update_credentials && !read.step.startsWith("oauth") && institution && !institution.is_oauth) {
      emit("mx/connect/loaded", { initial_step: "enterCreds" });
      updateForm = true;
      await credentialForm("update");
      setStatus(read.connection_status, read.message);
      return;
    }
    const initial = { mfa: "mfa", connected: "connected", credentials: "enterCreds", failed: "loginError" }[read.step] || "selectMember";
    emit("mx/connect/loaded", { initial_step: initial });
    follow(read);
  }
  start().catch(fail);
})();
