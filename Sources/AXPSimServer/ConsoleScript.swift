import Foundation

/// The console's behaviour (plain modern JavaScript, no framework, no build step).
///
/// - Chats: the accounts' engagements, refreshed when the journal says something changed; the
///   journal long poll (`/__sim/events?sinceId=&wait=25`) is the only live feed.
/// - The chat pane: a transcript built from the journal (messages and the chat's and its
///   sessions' events, timers included), join/leave/end, typing and every rich message kind.
/// - The playground: a customer over the back-end token API and the Chat SDK routes (sessions,
///   engagements, `:join`, messages and the SDK long poll), plus the event socket for axpsim's own
///   session events (typing, reminders) that the long poll does not carry.
/// - Tools: clocks, routing queues (agents, their load and availability, waiting chats), scenarios
///   and recordings, faults, snapshots, the raw journal.
///
/// Every datum reaches the page through `textContent` (the `h` helper), never through HTML.
enum ConsoleScript {
    /// The script.
    static let source = #"""
    "use strict";
    // ---- helpers -------------------------------------------------------------------------------
    const $ = id => document.getElementById(id);
    /** Builds an element; strings and numbers become text nodes (never HTML). */
    function h(tag, props, ...children) {
      const node = document.createElement(tag);
      for (const [key, value] of Object.entries(props || {})) {
        if (value === undefined || value === null || value === false) continue;
        if (key === "testid") node.dataset.testid = value;
        else if (key === "class") node.className = value;
        else if (key === "text") node.textContent = value;
        else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
        else if (key === "dataset") Object.assign(node.dataset, value);
        else if (key in node && typeof value !== "string") node[key] = value;
        else node.setAttribute(key, value === true ? "" : value);
      }
      for (const child of children.flat()) {
        if (child === null || child === undefined || child === false) continue;
        node.append(typeof child === "object" ? child : document.createTextNode(String(child)));
      }
      return node;
    }
    class ApiError extends Error { constructor(status, detail) { super(`${status}: ${detail}`); this.status = status; } }
    /** A JSON call; throws ApiError with the problem's detail. */
    async function api(method, path, body, headers) {
      const init = { method, headers: Object.assign({}, headers || {}) };
      if (body instanceof FormData || body instanceof URLSearchParams) init.body = body;
      else if (body !== undefined) { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
      const response = await fetch(path, init);
      const text = await response.text();
      let json = null;
      try { json = text ? JSON.parse(text) : null; } catch (_) { json = null; }
      if (!response.ok) throw new ApiError(response.status, (json && (json.detail || json.title || json.error_description || json.error)) || text || response.statusText);
      return json;
    }
    const sim = (method, path, body) => api(method, "/__sim" + path, body);
    const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
    const short = id => String(id || "").slice(0, 8);
    const clockTime = iso => iso ? String(iso).slice(11, 19) : "";
    function duration(seconds) {
      seconds = Math.max(0, Math.floor(seconds));
      if (seconds < 60) return `${seconds}s`;
      if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
      return `${Math.floor(seconds / 3600)}h ${Math.floor(seconds % 3600 / 60)}m`;
    }
    function parseDuration(text) {
      const match = String(text).trim().match(/^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/i);
      if (!match) return NaN;
      return Math.round(Number(match[1]) * ({ s: 1, m: 60, h: 3600, d: 86400 }[(match[2] || "s").toLowerCase()]));
    }
    function report(target, error) { target.textContent = error ? String(error.message || error) : ""; }
    /** Runs an action from a button, showing its error next to it. */
    function action(errorNode, fn) {
      return async event => {
        const button = event && event.currentTarget;
        if (button) button.disabled = true;
        try { report(errorNode, null); await fn(event); } catch (error) { report(errorNode, error); }
        finally { if (button) button.disabled = false; }
      };
    }
    /** Routing attributes as `key=value` pairs. */
    function attrsText(attributes) {
      return Object.entries(attributes || {}).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join("|") : value}`).join(" ");
    }
    /** A chat's route (`routing` of an engagement or a ROUTED event) as a sentence. */
    function routeText(routing) {
      if (!routing) return "Routed";
      const attrs = attrsText(routing.routingAttributes);
      const tail = (routing.scenario ? ` · scenario ${routing.scenario}` : "") + (attrs ? ` · ${attrs}` : "");
      if (routing.overflowedFrom) return `Overflowed from ${routing.overflowedFrom} to ${routing.queue}${routing.rule ? ` (rule ${routing.rule})` : ""}${tail}`;
      return `Routed ${routing.queue ? "to queue " + routing.queue : "to no queue"} ${routing.rule ? "by rule " + routing.rule : "by the integration's defaults"}${tail}`;
    }
    function bodyText(body) {
      if (!body) return "";
      return (body.elementText && body.elementText.text) || "";
    }

    // ---- state ---------------------------------------------------------------------------------
    const state = {
      accounts: [],          // [{accountId, name}]
      details: new Map(),    // accountId -> account with clients, appKeys, integrations
      clocks: new Map(),     // accountId -> {mode, now}
      engagements: new Map(),// engagementId -> engagement summary (+ accountId)
      journal: [],           // every journal entry seen, oldest first
      sessionChats: new Map(),// sessionId -> Set(engagementId)
      unread: new Map(),     // engagementId -> count
      openId: null,          // the chat in the chat pane
      agents: new Map(),     // engagementId -> participantId the console joined as
      typing: new Map(),     // engagementId -> {name, until}
      sinceId: 0,
      wsUrl: null,
    };

    // ---- health and accounts --------------------------------------------------------------------
    async function loadHealth() {
      try {
        const health = await sim("GET", "/health");
        state.wsUrl = health.parts && health.parts.websocket && health.parts.websocket.url;
        $("health").textContent = `${health.status} · v${health.version} · ${health.parts.http.url}`;
      } catch (error) { $("health").textContent = "control plane unreachable (" + error.message + ")"; }
    }
    async function loadAccounts() {
      state.accounts = (await sim("GET", "/accounts")).accounts;
      await Promise.all(state.accounts.map(async account => {
        state.details.set(account.accountId, await sim("GET", `/accounts/${encodeURIComponent(account.accountId)}`));
        state.clocks.set(account.accountId, await sim("GET", `/accounts/${encodeURIComponent(account.accountId)}/clock`));
      }));
    }
    function integrationName(accountId, integrationId) {
      const detail = state.details.get(accountId);
      const found = detail && (detail.integrations || []).find(i => i.integrationId === integrationId);
      return found ? (found.queue || found.name) : short(integrationId);
    }
    function integrationLabel(accountId, integrationId) {
      const detail = state.details.get(accountId);
      const found = detail && (detail.integrations || []).find(i => i.integrationId === integrationId);
      return found ? found.name : short(integrationId);
    }
    function accountNow(accountId) {
      const clock = state.clocks.get(accountId);
      if (!clock) return Date.now();
      if (clock.mode === "virtual") return Date.parse(clock.now);
      return Date.now();
    }

    // ---- chats list ---------------------------------------------------------------------------
    let chatsTimer = null;
    function refreshChatsSoon() { if (!chatsTimer) chatsTimer = setTimeout(() => { chatsTimer = null; refreshChats(); }, 150); }
    async function refreshChats() {
      try {
        for (const account of state.accounts) {
          const list = (await sim("GET", `/accounts/${encodeURIComponent(account.accountId)}/engagements`)).engagements;
          for (const engagement of list) state.engagements.set(engagement.engagementId, Object.assign({ accountId: account.accountId }, engagement));
        }
        renderChats();
        if (state.openId) renderChatHeader();
        if (queues.data && queuesVisible()) renderQueues();
      } catch (error) { $("chats").replaceChildren(h("div", { class: "empty error", text: "Could not read chats: " + error.message })); }
    }
    function customerLabel(engagement) {
      const customer = (engagement.allParticipants || engagement.participants || []).find(p => p.participantType === "CUSTOMER");
      return (customer && customer.displayName) || engagement.customerName || engagement.displayName || engagement.customerId || "customer";
    }
    /** The chat list's queue column: the routed queue (SPEC §10) when there is one, else the integration's. */
    function routeLabel(engagement) {
      const routing = engagement.routing;
      if (!routing || !routing.queue) return h("span", { class: "route", text: integrationName(engagement.accountId, engagement.integrationId) });
      return h("span", { class: "route", title: routeText(routing), text: routing.overflowedFrom ? `${routing.queue} (from ${routing.overflowedFrom})` : routing.queue });
    }
    function waitingSeconds(engagement) {
      const created = Date.parse(engagement.createdAt);
      if (engagement.status === "PENDING" && created) return (accountNow(engagement.accountId) - created) / 1000;
      return null;
    }
    function renderChats() {
      const box = $("chats");
      const rows = [];
      let count = 0;
      for (const account of state.accounts) {
        const clock = state.clocks.get(account.accountId) || {};
        rows.push(h("div", { class: "account" },
          h("div", { class: "row" }, h("span", { class: "name", text: account.name || account.accountId }),
            h("code", { class: "dim", text: account.accountId }), h("span", { class: "pill " + (clock.mode || ""), text: clock.mode || "?" })),
          h("div", { class: "small dim", text: clock.now ? "now " + clock.now.replace("T", " ").slice(0, 19) : "" })));
        const chats = [...state.engagements.values()].filter(e => e.accountId === account.accountId)
          .sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
        if (!chats.length) rows.push(h("div", { class: "empty small", text: "No chats yet." }));
        for (const engagement of chats) {
          count++;
          const unread = state.unread.get(engagement.engagementId) || 0;
          const waiting = waitingSeconds(engagement);
          rows.push(h("div", {
            class: "chat-row" + (engagement.engagementId === state.openId ? " open" : ""), testid: "engagement-row",
            dataset: { engagementId: engagement.engagementId }, tabindex: "0", role: "button",
            onclick: () => openChat(engagement.engagementId),
            onkeydown: event => { if (event.key === "Enter") openChat(engagement.engagementId); },
          },
            h("span", { class: "who", text: customerLabel(engagement) }),
            unread ? h("span", { class: "badge", title: "unread messages", text: String(unread) }) : h("span"),
            h("span", { class: "meta" },
              h("span", { class: "pill " + engagement.status, text: engagement.status }),
              routeLabel(engagement),
              waiting !== null ? h("span", { class: "waiting", dataset: { engagementId: engagement.engagementId }, text: "waiting " + duration(waiting) }) : null,
              h("span", { text: `${engagement.messageCount ?? 0} msg` }),
              h("code", { text: short(engagement.engagementId) }))));
        }
      }
      $("chat-count").textContent = count ? `(${count})` : "";
      box.replaceChildren(...rows);
    }

    // ---- the journal (the only live feed) ------------------------------------------------------
    const listeners = [];
    async function followJournal() {
      for (;;) {
        try {
          const page = await sim("GET", `/events?sinceId=${state.sinceId}&wait=25&limit=500`);
          state.sinceId = page.lastId;
          if (page.events.length) ingest(page.events);
          if (page.events.length < 500) state.caughtUp = true;
        } catch (error) {
          $("health").textContent = "journal unreachable, retrying… (" + error.message + ")";
          await sleep(2000);
          loadHealth();
        }
      }
    }
    const chatEventTypes = new Set(["ENGAGEMENT_CREATED", "PARTICIPANT_ADDED", "PARTICIPANT_DISCONNECTED", "ENGAGEMENT_TERMINATED", "MESSAGE", "QUEUE_POSITION", "ROUTED"]);
    // Events that change what a queue shows (its waiting chats, its agents' load).
    const queueEventTypes = new Set(["ENGAGEMENT_CREATED", "QUEUE_POSITION", "ROUTED", "PARTICIPANT_ADDED", "PARTICIPANT_DISCONNECTED", "ENGAGEMENT_TERMINATED"]);
    function ingest(entries) {
      let chatsChanged = false, clocksChanged = false;
      const touched = new Set(), queueAccounts = new Set();
      for (const entry of entries) {
        state.journal.push(entry);
        if (entry.sessionId && entry.engagementId) {
          if (!state.sessionChats.has(entry.sessionId)) state.sessionChats.set(entry.sessionId, new Set());
          state.sessionChats.get(entry.sessionId).add(entry.engagementId);
        }
        if (chatEventTypes.has(entry.eventType)) chatsChanged = true;
        if (queueEventTypes.has(entry.eventType)) queueAccounts.add(entry.accountId);
        if (entry.eventType === "TOKEN_EXPIRY_REMINDER" || entry.eventType === "TOKEN_EXPIRED") clocksChanged = true;
        // A journal-only event (ROUTED) has no session: it belongs to its engagement alone.
        const engagementIds = entry.engagementId ? [entry.engagementId] : entry.sessionId ? [...(state.sessionChats.get(entry.sessionId) || [])] : [];
        engagementIds.forEach(id => touched.add(id));
        if (entry.eventType === "MESSAGE" && entry.engagementId !== state.openId && state.caughtUp) {
          const from = entry.event.participant || {};
          if (from.participantType === "CUSTOMER" && !seenMessages.has(entry.event.message.messageId)) {
            state.unread.set(entry.engagementId, (state.unread.get(entry.engagementId) || 0) + 1);
          }
        }
        if (entry.eventType === "MESSAGE") seenMessages.add(entry.event.message.messageId);
        if (entry.eventType === "TYPING" && entry.engagementId) {
          const who = (entry.event.participant || {}).displayName || "someone";
          state.typing.set(entry.engagementId, { name: who, until: Date.now() + 6000 });
        }
        if (entry.eventType === "MESSAGE" && entry.engagementId) state.typing.delete(entry.engagementId);
      }
      if (state.journal.length > 20000) state.journal.splice(0, state.journal.length - 20000);
      if (chatsChanged || clocksChanged) refreshChatsSoon();
      if (clocksChanged) refreshClocks();
      if (queues.account && queueAccounts.has(queues.account.value)) queuesSoon();
      if (state.openId && touched.has(state.openId)) renderTranscript();
      renderJournal(entries);
      listeners.forEach(listener => listener(entries));
    }
    const seenMessages = new Set();

    // ---- the chat pane -------------------------------------------------------------------------
    const pane = {};
    function openChat(engagementId) {
      state.openId = engagementId;
      state.unread.delete(engagementId);
      renderChats();
      if (queues.data) renderQueues();
      buildChatPane();
      renderChatHeader();
      renderTranscript();
      refreshScenarioTargets();
    }
    function buildChatPane() {
      const error = h("div", { class: "error", role: "alert" });
      pane.error = error;
      pane.title = h("span", { class: "grow" });
      pane.status = h("span", { class: "pill" });
      pane.participants = h("div", { class: "small dim" });
      pane.route = h("div", { class: "small dim", testid: "chat-route" });
      pane.agentType = h("select", { testid: "agent-type", "aria-label": "Join as" },
        h("option", { value: "AGENT", text: "Agent" }), h("option", { value: "BOT", text: "Bot" }), h("option", { value: "SUPERVISOR", text: "Supervisor" }));
      pane.agentName = h("input", { testid: "agent-name", placeholder: "Name (e.g. Alice)", "aria-label": "Agent name", value: "Alice", style: "width:110px" });
      pane.join = h("button", { class: "primary", testid: "agent-join", onclick: action(error, joinAgent), text: "Join" });
      pane.leave = h("button", { testid: "agent-leave", onclick: action(error, leaveAgent), text: "Leave" });
      pane.end = h("button", { class: "danger", testid: "end-chat", onclick: action(error, endChat), text: "End chat" });
      pane.transcript = h("div", { class: "transcript", testid: "transcript", "aria-live": "polite" });
      pane.typing = h("div", { class: "typing", testid: "typing" });
      pane.kind = h("select", { testid: "composer-kind", "aria-label": "Message kind", onchange: updateKindHint },
        ...[["text", "Text"], ["postback", "Postback buttons"], ["reply", "Quick replies"], ["carousel", "Carousel"],
            ["locationRequest", "Location request"], ["location", "Location"], ["file", "File"]]
          .map(([value, label]) => h("option", { value, text: label })));
      pane.composer = h("textarea", { testid: "composer", rows: 2, placeholder: "Type a message as the contact center…", "aria-label": "Message",
        oninput: agentTyping, onkeydown: event => { if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); pane.send.click(); } } });
      pane.extra = h("textarea", { testid: "composer-extra", rows: 2, "aria-label": "Rich content", hidden: true });
      pane.file = h("input", { type: "file", testid: "composer-file", hidden: true, "aria-label": "File to send" });
      pane.hint = h("div", { class: "hint" });
      pane.send = h("button", { class: "primary", testid: "send", onclick: action(error, sendAgentMessage), text: "Send" });
      pane.queue = h("input", { type: "number", min: 0, value: 1, size: 3, "aria-label": "Queue position", title: "Queue position to tell the customer", style: "width:52px" });
      const chatpane = $("chatpane");
      chatpane.replaceChildren(
        h("div", { class: "panel-head" }, pane.title, pane.status, pane.end),
        h("div", { class: "panel-head" }, h("div", { class: "grow" }, pane.participants, pane.route)),
        h("div", { class: "panel-head" },
          h("div", { class: "row grow" }, pane.agentType, pane.agentName, pane.join, pane.leave,
            h("span", { class: "dim small", text: "queue" }), pane.queue,
            h("button", { class: "compact", title: "Send QUEUE_POSITION to the customer", onclick: action(error, () => sim("POST", `/engagements/${state.openId}/queue-position`, { position: Number(pane.queue.value) })), text: "Tell" }),
            )),
        pane.transcript, pane.typing,
        h("div", { class: "composer" },
          h("div", { class: "row" }, pane.kind, pane.hint),
          pane.extra, pane.file,
          h("div", { class: "row" }, h("div", { class: "grow" }, pane.composer), pane.send),
          error));
      updateKindHint();
    }
    const kindHints = {
      text: ["", "Enter sends, Shift+Enter a new line."],
      postback: ["Yes=YES\nNo=NO", "One button a line: Label=payload. The text above is the prompt."],
      reply: ["Yes\nNo", "One quick reply a line. The text above is the prompt."],
      carousel: ["Basic | 10 GB a month | Choose=BASIC\nPremium | Unlimited | Choose=PREMIUM, Details=INFO", "One card a line: Title | description | Button=payload, …"],
      locationRequest: ["", "Asks the customer for a location; the text above is the prompt."],
      location: ["51.5007, -0.1246, Big Ben", "latitude, longitude, name"],
      file: ["", "Pick a file; the text above is its caption (uploaded with the control plane)."],
    };
    function updateKindHint() {
      const [example, hint] = kindHints[pane.kind.value];
      pane.extra.hidden = !example;
      pane.extra.placeholder = example;
      if (example && !pane.extra.value) pane.extra.value = example;
      pane.file.hidden = pane.kind.value !== "file";
      pane.hint.textContent = hint;
    }
    function renderChatHeader() {
      const engagement = state.engagements.get(state.openId);
      if (!engagement || !pane.title) return;
      pane.title.replaceChildren(h("strong", { text: customerLabel(engagement) }), " ",
        h("code", { class: "dim", text: engagement.engagementId }), " ",
        h("span", { class: "dim small", text: "integration " + integrationLabel(engagement.accountId, engagement.integrationId) }));
      pane.status.textContent = engagement.status;
      pane.status.className = "pill " + engagement.status;
      const ended = engagement.status === "TERMINATED" || engagement.status === "TERMINATING";
      const mine = state.agents.get(engagement.engagementId);
      pane.join.disabled = ended;
      pane.leave.disabled = ended || !mine;
      pane.end.disabled = ended;
      pane.send.disabled = ended;
      pane.route.replaceChildren(...routeDetails(engagement));
      const present = (engagement.allParticipants || []).filter(p => !p.leftAt);
      pane.participants.replaceChildren(h("span", { text: "Participants: " }),
        ...(present.length ? present.map((p, i) => h("span", { text: (i ? ", " : "") + `${p.displayName || "?"} (${p.participantType.toLowerCase()})` })) : [h("span", { text: "none" })]));
    }
    /** The pane header's route line: queue, rule, routing attributes and where the chat stands in its queue. */
    function routeDetails(engagement) {
      const routing = engagement.routing;
      if (!routing) return [];
      const parts = [`queue ${routing.queue || "none"}`, routing.rule ? `rule ${routing.rule}` : "the integration's defaults"];
      if (routing.overflowedFrom) parts.push(`overflowed from ${routing.overflowedFrom}`);
      else if (routing.overflowQueue) parts.push(`overflow to ${routing.overflowQueue}`);
      if (routing.scenario) parts.push(`scenario ${routing.scenario}`);
      const where = engagement.queue;
      if (where && where.state === "waiting") parts.push(`waiting #${where.position}${where.estimatedWaitSeconds != null ? ", about " + duration(where.estimatedWaitSeconds) : ""}`);
      else if (where && where.agentId) parts.push(`${where.state} to ${agentLabel(engagement.accountId, where.queueId, where.agentId)}`);
      const attrs = attrsText(routing.routingAttributes);
      return [h("span", { text: "Route: " + parts.join(" · ") }), attrs ? h("span", { class: "attrs", text: " · " + attrs }) : null];
    }
    async function joinAgent() {
      const body = { participantType: pane.agentType.value };
      if (pane.agentName.value.trim()) body.displayName = pane.agentName.value.trim();
      const participant = await sim("POST", `/engagements/${state.openId}/agent/join`, body);
      state.agents.set(state.openId, participant.participantId);
      refreshChatsSoon();
      pane.composer.focus();
    }
    async function leaveAgent() {
      const participantId = state.agents.get(state.openId);
      await sim("POST", `/engagements/${state.openId}/agent/leave`, participantId ? { participantId } : {});
      state.agents.delete(state.openId);
      renderChatHeader();
    }
    async function endChat() {
      await sim("POST", `/engagements/${state.openId}/end`, {});
      refreshChatsSoon();
    }
    let lastTyping = 0;
    function agentTyping() {
      if (!state.openId || Date.now() - lastTyping < 2500 || !pane.composer.value) return;
      lastTyping = Date.now();
      const participantId = state.agents.get(state.openId);
      sim("POST", `/engagements/${state.openId}/agent/typing`, participantId ? { participantId } : {}).catch(() => {});
    }
    function actionsFrom(lines, type) {
      return lines.split("\n").map(line => line.trim()).filter(Boolean).map(line => {
        const [text, payload] = line.split("=").map(s => s.trim());
        return type === "reply" ? { type, text } : { type, text, payload: payload || text };
      });
    }
    async function agentBody() {
      const text = pane.composer.value.trim();
      const extra = pane.extra.value;
      const kind = pane.kind.value;
      const element = t => ({ text: t, textFormat: "PLAINTEXT" });
      switch (kind) {
        case "text": return { elementType: "text", elementText: element(text) };
        case "postback": case "reply":
          return { elementType: kind, elementText: element(text), richMediaPayload: { actions: actionsFrom(extra, kind) } };
        case "carousel":
          return { elementType: "carousel", elementText: element(text), richMediaPayload: { items: extra.split("\n").filter(l => l.trim()).map(line => {
            const [title, description, buttons] = line.split("|").map(s => (s || "").trim());
            const card = { title, actions: actionsFrom((buttons || "Choose").split(",").join("\n"), "postback") };
            if (description) card.description = description;
            return card;
          }) } };
        case "locationRequest":
          return { elementType: "text", elementText: element(text || "Where are you?"), richMediaPayload: { actions: [{ type: "locationRequest", text: "Share location" }] } };
        case "location": {
          const [lat, long, ...name] = extra.split(",").map(s => s.trim());
          const payload = { coordinates: { lat: Number(lat), long: Number(long) } };
          if (name.length && name.join(",")) payload.location = { name: name.join(", ") };
          return { elementType: "location", elementText: element(text), richMediaPayload: payload };
        }
        case "file": {
          const file = pane.file.files[0];
          if (!file) throw new Error("Pick a file first.");
          const form = new FormData();
          form.append("mediaFile", file, file.name);
          const uploaded = await sim("POST", `/engagements/${state.openId}/attachments`, form);
          return { elementType: file.type.startsWith("image/") ? "image" : "file", elementText: element(text), richMediaPayload: { attachmentIds: [uploaded.attachmentId] } };
        }
      }
    }
    async function sendAgentMessage() {
      if (pane.kind.value === "text" && !pane.composer.value.trim()) return;
      const body = { body: await agentBody() };
      const participantId = state.agents.get(state.openId);
      if (participantId) body.participantId = participantId;
      await sim("POST", `/engagements/${state.openId}/agent/message`, body);
      pane.composer.value = "";
      if (pane.kind.value === "file") pane.file.value = "";
      lastTyping = 0;
    }

    // ---- transcripts ---------------------------------------------------------------------------
    /** One rendered message: text, buttons, cards, a location, files. `onAction` makes buttons live. */
    function renderMessage(message, participant, mine, onAction) {
      const body = message.body || {};
      const type = String(body.elementType || "text").toLowerCase();
      const payload = body.richMediaPayload || {};
      const node = h("div", { class: "msg" + (mine ? " mine" : ""), dataset: { messageId: message.messageId || "" } },
        h("span", { class: "from", text: `${(participant && participant.displayName) || "?"} · ${((participant && participant.participantType) || "").toLowerCase()} · ${clockTime(message.receivedAt)}${type !== "text" ? " · " + type : ""}` }));
      const text = bodyText(body);
      if (text) node.append(h("div", { class: "text", text }));
      const actions = payload.actions || [];
      if (actions.length) node.append(h("div", { class: "actions" }, actions.map(a => h("button", {
        type: "button", disabled: !onAction, title: a.payload ? "payload " + a.payload : a.type,
        text: a.type === "locationRequest" ? "Share location: " + (a.text || "where are you?") : (a.text || a.type),
        onclick: () => onAction && onAction(a) }))));
      if (payload.selectedAction) node.append(h("div", { class: "small dim", text: `chose “${payload.selectedAction.text || payload.selectedAction.payload}”` }));
      if ((payload.items || []).length) node.append(h("div", { class: "cards" }, payload.items.map(item => h("div", { class: "card" },
        h("div", { class: "title", text: item.title }), item.description ? h("div", { class: "small dim", text: item.description }) : null,
        h("div", { class: "actions" }, (item.actions || []).map(a => h("button", { type: "button", disabled: !onAction, text: a.text || a.type, onclick: () => onAction && onAction(a) })))))));
      if (payload.coordinates) node.append(h("div", { class: "small", text: `Location: ${(payload.location && payload.location.name) || "location"} (${payload.coordinates.lat}, ${payload.coordinates.long})` }));
      for (const file of message.attachments || []) {
        node.append(h("div", { class: "small" }, h("a", { href: file.url, target: "_blank", rel: "noopener noreferrer", text: `File: ${file.name}` }), ` ${file.size} bytes`));
      }
      return node;
    }
    function describeEvent(entry) {
      const event = entry.event || {};
      const who = event.participant ? `${event.participant.displayName || "?"} (${String(event.participant.participantType || "").toLowerCase()})` : "";
      switch (entry.eventType) {
        case "ENGAGEMENT_CREATED": return "Chat started";
        case "PARTICIPANT_ADDED": return `${who} joined`;
        case "PARTICIPANT_DISCONNECTED": return `${who} left${event.reason ? " · " + event.reason : ""}`;
        case "ENGAGEMENT_TERMINATED": return `Chat ended · ${event.reason || ""}`;
        case "ROUTED": return routeText(event.routing);
        case "QUEUE_POSITION": return `Queue position ${event.position}${event.estimatedWaitSeconds != null ? ", about " + duration(event.estimatedWaitSeconds) : ""}`;
        case "TOKEN_EXPIRY_REMINDER": return `Token expiry reminder: ${event.secondsRemaining}s left (session ${short(entry.sessionId)})`;
        case "TOKEN_EXPIRED": return `Token expired (session ${short(entry.sessionId)})`;
        case "SESSION_CLOSED": return `Session ${short(entry.sessionId)} closed · ${event.reason || ""}`;
        case "ENGAGEMENT_ERROR": return `Engagement error: ${(event.error && event.error.detail) || ""}`;
        case "IDLE_TIMEOUT": return "Idle timeout";
        default: return entry.eventType;
      }
    }
    function renderTranscript() {
      const box = pane.transcript;
      if (!box) return;
      const id = state.openId;
      const sessions = new Set([...state.sessionChats].filter(([, chats]) => chats.has(id)).map(([sid]) => sid));
      const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
      const nodes = [], seen = new Set();
      for (const entry of state.journal) {
        const mine = entry.engagementId === id || (!entry.engagementId && sessions.has(entry.sessionId));
        if (!mine || entry.eventType === "TYPING") continue;
        const event = entry.event || {};
        // An engagement event reaches every session following the chat: show it once.
        const key = entry.eventType === "MESSAGE" ? "m" + event.message.messageId
          : [entry.eventType, entry.engagementId ? "" : entry.sessionId, event.eventDate, event.participant && event.participant.participantId, event.reason, event.position, event.jti,
             event.routing && `${event.routing.queue}<${event.routing.overflowedFrom || ""}`].join("|");
        if (seen.has(key)) continue;
        seen.add(key);
        if (entry.eventType === "MESSAGE") {
          const participant = event.participant || {};
          nodes.push(renderMessage(event.message, participant, participant.participantType !== "CUSTOMER", null));
        } else {
          const timer = /^TOKEN_|IDLE|QUEUE/.test(entry.eventType);
          nodes.push(h("div", { class: "event" + (timer ? " timer" : "") + (entry.eventType === "ROUTED" ? " routed" : ""), testid: entry.eventType === "ROUTED" ? "transcript-routed" : undefined, title: event.eventDate || "", text: `${clockTime(event.eventDate)} · ${describeEvent(entry)}` }));
        }
      }
      if (!nodes.length) nodes.push(h("div", { class: "empty", text: "Nothing yet." }));
      box.replaceChildren(...nodes);
      if (nearBottom) box.scrollTop = box.scrollHeight;
      renderTyping();
    }
    function renderTyping() {
      if (!pane.typing) return;
      const typing = state.typing.get(state.openId);
      pane.typing.textContent = typing && typing.until > Date.now() ? `${typing.name} is typing…` : "";
    }

    // ---- tools: tabs ---------------------------------------------------------------------------
    const tools = [["playground", "Playground"], ["time", "Time"], ["queues", "Queues"], ["scenarios", "Scenarios"], ["faults", "Faults"], ["snapshots", "Snapshots"], ["journal", "Journal"]];
    function showTool(name) {
      for (const [id] of tools) {
        $("tool-" + id).classList.toggle("on", id === name);
        $("tab-" + id).classList.toggle("on", id === name);
        $("tab-" + id).setAttribute("aria-selected", String(id === name));
      }
      if (name === "queues" && queues.account) queuesSoon();
    }
    function buildTabs() {
      $("tabs").replaceChildren(...tools.map(([id, label]) => h("button", { id: "tab-" + id, role: "tab", testid: "tab-" + id, onclick: () => showTool(id), text: label })));
      showTool("playground");
    }
    function accountSelect(testid, onchange) {
      return h("select", { testid, "aria-label": "Account", onchange }, state.accounts.map(a => h("option", { value: a.accountId, text: `${a.name || a.accountId} (${a.accountId})` })));
    }

    // ---- tools: the customer playground (SDK routes only) ---------------------------------------
    const play = { devices: [] };
    function buildPlayground() {
      const box = $("tool-playground");
      const error = h("div", { class: "error", role: "alert" });
      play.account = accountSelect("playground-account", fillIntegrations);
      play.integration = h("select", { testid: "playground-integration", "aria-label": "Integration" });
      play.customer = h("input", { testid: "playground-customer", placeholder: "generated", "aria-label": "Customer id", size: 14 });
      play.name = h("input", { testid: "playground-name", placeholder: "Ann", "aria-label": "Customer name", size: 14 });
      play.devicesBox = h("div", { class: "list" });
      box.replaceChildren(
        h("div", { class: "hint", text: "Be the customer: mints a chat JWT with the back-end API, then speaks the Chat SDK protocol (sessions, engagements, messages, the long poll) like the real SDK." }),
        h("div", { class: "row" }, play.account, play.integration),
        h("div", { class: "row" }, h("label", { class: "field grow" }, "Customer id", play.customer), h("label", { class: "field grow" }, "Name", play.name)),
        h("div", { class: "row" },
          h("button", { class: "primary", testid: "playground-start", onclick: action(error, startPlayground), text: "Start chat" }),
          h("button", { testid: "playground-device", onclick: action(error, addDevice), text: "+ Another device" })),
        error, play.devicesBox);
      fillIntegrations();
    }
    function fillIntegrations() {
      const detail = state.details.get(play.account.value) || {};
      play.integration.replaceChildren(...(detail.integrations || []).map(i => h("option", { value: i.integrationId, text: `${i.name} (${short(i.integrationId)})` })));
    }
    /** The back end's part: an access token for the account's first client, then a chat JWT. */
    async function mintJwt(accountId, integrationId, customerId, customerName) {
      const detail = state.details.get(accountId);
      const client = (detail.clients || [])[0], appKey = ((detail.appKeys || [])[0] || {}).appKey || (detail.appKeys || [])[0];
      if (!client) throw new Error("the account has no API client");
      const form = new URLSearchParams({ grant_type: "client_credentials", client_id: client.clientId, client_secret: client.clientSecret });
      const access = await api("POST", `/auth/realms/${encodeURIComponent(accountId)}/protocol/openid-connect/token`, form, { appkey: appKey });
      const body = { integrationId, customerId };
      if (customerName) body.customerName = customerName;
      const minted = await api("POST", `/api/digital/chat/v1/accounts/${encodeURIComponent(accountId)}/tokens`, body, { Authorization: "Bearer " + access.access_token, appkey: appKey });
      return { jwt: minted.jwtToken, appKey };
    }
    async function startPlayground() {
      const accountId = play.account.value, integrationId = play.integration.value;
      if (!accountId || !integrationId) throw new Error("no account or integration to play on");
      const customerId = play.customer.value.trim() || "playground-" + Math.random().toString(36).slice(2, 8);
      play.customer.value = customerId;
      const name = play.name.value.trim() || "Ann";
      const { jwt, appKey } = await mintJwt(accountId, integrationId, customerId, name);
      play.identity = { accountId, integrationId, customerId, name, jwt, appKey };
      const device = await openDevice(play.identity);
      const engagement = await device.call("POST", "/engagements", { sessionId: device.sessionId, engagementParameters: { source: "axpsim console" } });
      device.setEngagement(engagement);
    }
    async function addDevice() {
      if (!play.identity) throw new Error("start a chat first");
      const device = await openDevice(play.identity);
      const session = device.session;
      const open = (session.engagements || []).find(e => e.status !== "TERMINATED") || (session.engagements || [])[0];
      const target = open || (play.devices[0] && play.devices[0].engagement);
      if (!target) return;
      const dialogId = target.dialogs ? target.dialogs[0].dialogId : target.dialogId;
      const joined = await device.call("POST", `/engagements/${target.engagementId}:join`, { dialogId, sessionId: device.sessionId });
      device.setEngagement(joined);
    }
    /** One device of the customer: its own session, long poll and event socket. */
    async function openDevice(identity) {
      const number = play.devices.length + 1;
      const base = `/sdk/digital/chat/v1/integrations/${encodeURIComponent(identity.integrationId)}`;
      const device = { number, identity, lastEventId: null, engagement: null, closed: false };
      device.call = (method, path, body) => api(method, base + path, body, { Authorization: "Bearer " + identity.jwt, appkey: identity.appKey });
      device.session = await device.call("POST", "/sessions", { displayName: identity.name, clientType: "web", sessionParameters: { device: "console playground " + number } });
      device.sessionId = device.session.sessionId;
      const error = h("div", { class: "error", role: "alert" });
      device.status = h("span", { class: "pill", text: "no chat" });
      device.transcript = h("div", { class: "transcript", testid: "playground-transcript", "aria-live": "polite" });
      device.typing = h("div", { class: "typing", testid: "playground-typing" });
      device.composer = h("input", { testid: "playground-composer", class: "grow", placeholder: "Type as the customer…", "aria-label": "Customer message",
        onkeydown: event => { if (event.key === "Enter") { event.preventDefault(); device.sendButton.click(); } } });
      device.sendButton = h("button", { class: "primary", testid: "playground-send", onclick: action(error, () => sendCustomer(device, device.composer.value)), text: "Send" });
      device.node = h("div", { class: "device", dataset: { sessionId: device.sessionId } },
        h("div", { class: "panel-head" }, h("strong", { text: `Device ${number}` }), h("span", { class: "dim", text: `${identity.name} · session ${short(device.sessionId)}` }), h("span", { class: "grow" }), device.status,
          h("button", { testid: "playground-leave", onclick: action(error, async () => { if (device.engagement) await device.call("POST", `/engagements/${device.engagement.engagementId}:disconnect`, { dialogId: device.dialogId, sessionId: device.sessionId, reason: "USER_CLOSED" }); }), text: "Leave" }),
          h("button", { testid: "playground-close", onclick: action(error, async () => { device.closed = true; await device.call("DELETE", `/sessions/${device.sessionId}`); device.node.remove(); play.devices = play.devices.filter(d => d !== device); }), text: "✕", title: "Close this session" })),
        device.transcript, device.typing,
        h("div", { class: "composer" }, h("div", { class: "row" }, device.composer, device.sendButton), error));
      device.setEngagement = engagement => {
        device.engagement = engagement;
        device.dialogId = engagement.dialogs && engagement.dialogs[0] ? engagement.dialogs[0].dialogId : engagement.dialogId;
        device.status.textContent = "chat " + short(engagement.engagementId);
      };
      play.devices.push(device);
      play.devicesBox.append(device.node);
      pollDevice(device);
      openDeviceSocket(device);
      return device;
    }
    async function sendCustomer(device, text) {
      text = String(text || "").trim();
      if (!text || !device.engagement) return;
      await device.call("POST", `/engagements/${device.engagement.engagementId}/messages`, {
        dialogId: device.dialogId, sessionId: device.sessionId, body: { elementType: "TEXT", elementText: { text, textFormat: "PLAINTEXT" } } });
      if (device.composer.value.trim() === text) device.composer.value = "";
    }
    /** The SDK's long poll: each answer is an array of events after lastEventId (or [] after the hold). */
    async function pollDevice(device) {
      while (!device.closed) {
        try {
          const query = device.lastEventId ? `?lastEventId=${encodeURIComponent(device.lastEventId)}` : "";
          const events = await device.call("GET", `/sessions/${device.sessionId}/events${query}`);
          for (const event of events || []) { device.lastEventId = event.eventId; deviceEvent(device, event); }
        } catch (error) {
          if (error.status === 404 || error.status === 401 || error.status === 403) { device.status.textContent = "session over (" + error.status + ")"; return; }
          await sleep(2000);
        }
      }
    }
    /** axpsim's own session events (typing, token reminders, queue) come over the event socket only. */
    function openDeviceSocket(device) {
      if (!state.wsUrl || !window.WebSocket) return;
      const url = state.wsUrl.replace(/\/$/, "") + `/sdk/digital/chat/v1/integrations/${encodeURIComponent(device.identity.integrationId)}/sessions/${device.sessionId}/events`;
      let socket;
      try { socket = new WebSocket(url, "axpsim.events.v1"); } catch (_) { return; }
      device.socket = socket;
      socket.onopen = () => socket.send(JSON.stringify({ type: "auth", jwt: device.identity.jwt, appkey: device.identity.appKey }));
      let ready = false;
      socket.onmessage = message => {
        let frame; try { frame = JSON.parse(message.data); } catch (_) { return; }
        if (frame.type === "ready") { ready = true; return; }
        if (!ready || !frame.eventType) return;
        if (frame.eventType === "TYPING") {
          device.typing.textContent = `${(frame.participant || {}).displayName || "The agent"} is typing…`;
          clearTimeout(device.typingTimer);
          device.typingTimer = setTimeout(() => { device.typing.textContent = ""; }, 6000);
        } else if (["TOKEN_EXPIRY_REMINDER", "TOKEN_EXPIRED", "QUEUE_POSITION"].includes(frame.eventType)) {
          appendDevice(device, h("div", { class: "event timer", text: `${clockTime(frame.eventDate)} · ${describeEvent({ eventType: frame.eventType, sessionId: device.sessionId, event: frame })}` }));
        }
      };
      socket.onclose = () => { if (!device.closed) setTimeout(() => openDeviceSocket(device), 5000); };
    }
    function appendDevice(device, node) {
      const box = device.transcript;
      const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
      box.append(node);
      if (nearBottom) box.scrollTop = box.scrollHeight;
    }
    function deviceEvent(device, event) {
      switch (event.eventType) {
        case "MESSAGE": {
          const participant = event.participant || event.senderParticipant || {};
          device.typing.textContent = "";
          appendDevice(device, renderMessage(event.message || event, participant, participant.participantType === "CUSTOMER",
            chosen => sendCustomer(device, chosen.type === "locationRequest" ? "My location: 51.5007, -0.1246" : (chosen.text || chosen.payload))));
          break;
        }
        case "PARTICIPANT_ADDED": case "PARTICIPANT_DISCONNECTED": case "ENGAGEMENT_ERROR": case "ENGAGEMENT_CREATED":
          appendDevice(device, h("div", { class: "event", text: `${clockTime(event.eventDate)} · ${describeEvent({ eventType: event.eventType, event })}` }));
          if (event.eventType === "PARTICIPANT_DISCONNECTED" && event.participant && event.participant.participantType === "CUSTOMER") device.status.textContent = "chat ended";
          break;
        default:
          break;
      }
    }

    // ---- tools: time ---------------------------------------------------------------------------
    const time = {};
    function buildTime() {
      const box = $("tool-time");
      const error = h("div", { class: "error", role: "alert" });
      time.account = accountSelect("clock-account", renderClock);
      time.mode = h("span", { class: "pill", testid: "clock-mode" });
      time.now = h("span", { class: "mono", testid: "clock-now" });
      time.seconds = h("input", { testid: "clock-seconds", value: "60", size: 6, "aria-label": "Seconds to advance (or 5m, 2h)" });
      time.fired = h("div", { class: "small dim", testid: "clock-fired" });
      box.replaceChildren(
        h("div", { class: "hint", text: "One clock per account. A virtual clock stands still until you advance it; advancing fires every timer that falls due (token reminders, expiry, idle timeouts, scenario delays) before it answers." }),
        h("div", { class: "row" }, time.account, time.mode),
        h("div", { class: "row" }, h("span", { class: "dim", text: "now" }), time.now),
        h("div", { class: "row" },
          h("button", { testid: "clock-virtual", onclick: action(error, () => setClock("virtual")), text: "Virtual (freeze)" }),
          h("button", { testid: "clock-real", onclick: action(error, () => setClock("real")), text: "Real" })),
        h("div", { class: "row" }, h("span", { text: "Advance by" }), time.seconds,
          h("button", { class: "primary", testid: "clock-advance", onclick: action(error, advanceClock), text: "Advance" }),
          ...[["+1m", 60], ["+5m", 300], ["+15m", 900], ["+1h", 3600]].map(([label, seconds]) =>
            h("button", { onclick: action(error, () => { time.seconds.value = String(seconds); return advanceClock(); }), text: label }))),
        time.fired, error,
        h("div", { class: "hint", text: "Timers that fire appear in the chat's transcript and in the Journal tab." }));
      renderClock();
    }
    function renderClock() {
      if (!time.account) return;
      const clock = state.clocks.get(time.account.value) || {};
      time.mode.textContent = clock.mode || "?";
      time.mode.className = "pill " + (clock.mode || "");
      time.now.textContent = clock.now || "";
    }
    async function refreshClocks() {
      await Promise.all(state.accounts.map(async a => state.clocks.set(a.accountId, await sim("GET", `/accounts/${encodeURIComponent(a.accountId)}/clock`))));
      renderClock();
      renderChats();
    }
    async function setClock(mode) {
      const accountId = time.account.value;
      state.clocks.set(accountId, await sim("PUT", `/accounts/${encodeURIComponent(accountId)}/clock`, { mode }));
      renderClock(); renderChats();
    }
    async function advanceClock() {
      const seconds = parseDuration(time.seconds.value);
      if (!(seconds > 0)) throw new Error("give a duration: 90, 90s, 5m or 2h");
      const accountId = time.account.value;
      if ((state.clocks.get(accountId) || {}).mode !== "virtual") await setClock("virtual");
      const result = await sim("POST", `/accounts/${encodeURIComponent(accountId)}/clock/advance`, { seconds });
      state.clocks.set(accountId, { mode: result.mode, now: result.now });
      time.fired.textContent = `Advanced ${duration(seconds)} to ${result.now}: ${result.fired} timer${result.fired === 1 ? "" : "s"} fired.`;
      renderClock(); renderChats();
    }

    // ---- tools: routing queues (SPEC §10) ---------------------------------------------------------
    const queues = { data: null, dataAccount: null, fetchedAt: 0 };
    function buildQueues() {
      const box = $("tool-queues");
      const error = h("div", { class: "error", role: "alert" });
      queues.box = box;
      queues.error = error;
      queues.account = accountSelect("queues-account", () => { queues.data = null; queues.list.replaceChildren(h("div", { class: "empty small", text: "Loading…" })); refreshQueues(); });
      queues.list = h("div", { class: "list", testid: "queue-list" }, h("div", { class: "empty small", text: "Loading…" }));
      box.replaceChildren(
        h("div", { class: "hint", text: "Each queue's simulated agents take its chats in turn on the account clock (an available agent with room joins after the answer delay). Click a chat to open it." }),
        h("div", { class: "row" }, queues.account, h("span", { class: "grow" }), h("button", { testid: "queues-refresh", onclick: action(error, refreshQueues), text: "Refresh" })),
        error, queues.list);
    }
    const queuesVisible = () => Boolean(queues.box && queues.box.classList.contains("on"));
    let queuesTimer = null, queuesBusy = false, queuesAgain = false;
    /** Refreshes the Queues tab soon, once for a burst of events (only while it shows; it refreshes when shown). */
    function queuesSoon() {
      if (!queuesVisible()) { queues.data = null; return; }
      if (!queuesTimer) queuesTimer = setTimeout(() => { queuesTimer = null; refreshQueues(); }, 150);
    }
    async function refreshQueues() {
      if (queuesBusy) { queuesAgain = true; return; }
      queuesBusy = true;
      const accountId = queues.account.value;
      const path = `/accounts/${encodeURIComponent(accountId)}`;
      try {
        const [list, clock] = await Promise.all([sim("GET", path + "/queues"), sim("GET", path + "/clock")]);
        // A queue deleted meanwhile answers 404: it is simply not shown.
        const details = (await Promise.all((list.queues || []).map(q =>
          sim("GET", `${path}/queues/${encodeURIComponent(q.queueId)}`).catch(e => { if (e.status === 404) return null; throw e; })))).filter(Boolean);
        const before = (state.clocks.get(accountId) || {}).now;
        state.clocks.set(accountId, clock);
        if (before !== clock.now) { renderClock(); renderChats(); }
        if (queues.account.value === accountId) {
          Object.assign(queues, { data: details, dataAccount: accountId, fetchedAt: accountNow(accountId) });
          report(queues.error, null);
          renderQueues();
        }
      } catch (error) { report(queues.error, error); }
      finally {
        queuesBusy = false;
        if (queuesAgain) { queuesAgain = false; refreshQueues(); }
      }
    }
    async function setAgentState(queueId, agentId, agentState) {
      const accountId = queues.dataAccount;
      await sim("POST", `/accounts/${encodeURIComponent(accountId)}/queues/${encodeURIComponent(queueId)}/agents/${encodeURIComponent(agentId)}/state`, { state: agentState });
      queuesSoon();
    }
    function agentLabel(accountId, queueId, agentId) {
      if (queues.dataAccount === accountId && queues.data) {
        const detail = queues.data.find(d => d.queue && d.queue.queueId === queueId);
        const agent = detail && (detail.agents || []).find(a => a.agentId === agentId);
        if (agent && agent.displayName) return agent.displayName;
      }
      return agentId;
    }
    function renderQueues() {
      if (!queues.list || !queues.data) return;
      const cards = queues.data.map(detail => queueCard(queues.dataAccount, detail));
      queues.list.replaceChildren(...(cards.length ? cards
        : [h("div", { class: "empty small", text: "This account has no queues (declare them in the fixtures or POST /__sim/accounts/{a}/queues)." })]));
    }
    /** A clickable row that opens a chat. */
    function chatLink(engagementId, className, testid, ...children) {
      return h("div", {
        class: `qrow ${className}${engagementId === state.openId ? " open" : ""}`, testid, dataset: { engagementId }, tabindex: "0", role: "button",
        onclick: () => openChat(engagementId),
        onkeydown: event => { if (event.key === "Enter") openChat(engagementId); },
      }, ...children);
    }
    function chatName(engagementId) {
      const engagement = state.engagements.get(engagementId);
      return engagement ? customerLabel(engagement) : "chat " + short(engagementId);
    }
    function queueCard(accountId, detail) {
      const queue = detail.queue || {};
      const agents = detail.agents || [];
      const waiting = [...(detail.waiting || [])].sort((a, b) => a.position - b.position);
      const engaged = detail.engaged || [];
      const body = h("div", { class: "qbody" }, h("h4", { text: "Agents" }));
      const held = e => chatLink(e.engagementId, "held", "queue-held-row",
        h("span", { class: "dim", text: "↳" }), h("span", { text: chatName(e.engagementId) }),
        h("span", { class: "pill " + e.state, text: e.state }), h("code", { class: "dim", text: short(e.engagementId) }));
      if (!agents.length) body.append(h("div", { class: "small dim", testid: "queue-no-agents", text: "No agents: chats wait for you or a scenario." }));
      for (const agent of agents) {
        const available = agent.state === "available";
        const capacity = agent.capacity || 1, load = agent.load || 0;
        const attrs = attrsText(agent.routingAttributes);
        body.append(h("div", { class: "agent-row " + agent.state, testid: "queue-agent", dataset: { agentId: agent.agentId } },
          h("span", { class: "aname", text: agent.displayName || agent.agentId }),
          h("span", { class: "pill " + agent.state, testid: "agent-state", text: agent.state }),
          h("span", { class: "load" + (load >= capacity ? " full" : ""), testid: "agent-load", title: `${load} of ${capacity} concurrent chats` },
            h("span", { class: "bar" }, h("span", { style: `width:${Math.min(100, Math.round(100 * load / capacity))}%` })), `${load}/${capacity}`),
          attrs ? h("span", { class: "attrs", text: attrs }) : null,
          h("button", { testid: "agent-toggle", dataset: { agentId: agent.agentId },
            "aria-label": `Set ${agent.displayName || agent.agentId} ${available ? "away" : "available"}`,
            title: available ? `${agent.displayName || agent.agentId} takes chats; click to set away` : `${agent.displayName || agent.agentId} takes no new chats; click to set available`,
            text: available ? "Set away" : "Set available",
            onclick: action(queues.error, () => setAgentState(queue.queueId, agent.agentId, available ? "away" : "available")) })));
        engaged.filter(e => e.agentId === agent.agentId).forEach(e => body.append(held(e)));
      }
      // Chats held by agents no longer in the queue.
      engaged.filter(e => !agents.some(a => a.agentId === e.agentId)).forEach(e => body.append(held(e)));
      body.append(h("h4", { text: `Waiting (${waiting.length})` }));
      for (const w of waiting) {
        const attrs = attrsText(w.routingAttributes);
        body.append(chatLink(w.engagementId, "", "queue-waiting-row",
          h("span", { class: "pos", text: "#" + w.position }),
          h("strong", { text: chatName(w.engagementId) }),
          h("span", { class: "dim queue-waited", dataset: { waited: String(w.waitedSeconds || 0) }, text: "waited " + duration(w.waitedSeconds || 0) }),
          h("span", { class: "dim", text: w.estimatedWaitSeconds != null ? "est. " + duration(w.estimatedWaitSeconds) : "no estimate (no agent available)" }),
          attrs ? h("span", { class: "attrs", text: attrs }) : null));
      }
      // A queue without agents holds no waiting line: its chats stay PENDING until someone joins.
      const pending = agents.length ? [] : [...state.engagements.values()]
        .filter(e => e.accountId === accountId && e.status === "PENDING" && e.routing && e.routing.queue === queue.queueId)
        .sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
      for (const e of pending) {
        const waited = waitingSeconds(e);
        body.append(chatLink(e.engagementId, "pending", "queue-waiting-row",
          h("span", { class: "pos", text: "–" }), h("strong", { text: customerLabel(e) }),
          h("span", { class: "dim queue-pending", dataset: { engagementId: e.engagementId }, text: "waiting " + duration(waited || 0) }),
          h("span", { class: "attrs", text: attrsText(e.routing.routingAttributes) })));
      }
      if (!waiting.length && !pending.length) body.append(h("div", { class: "small dim", text: "No chats waiting." }));
      const facts = [];
      const span = seconds => duration(seconds).replace(/(\d)m 0s$/, "$1m");
      if (agents.length) facts.push(`an agent joins after ${span(queue.answerDelaySeconds || 0)}`);
      if (queue.maxWaitSeconds) facts.push(`longest wait ${span(queue.maxWaitSeconds)}`);
      if (agents.length && queue.averageHandleSeconds) facts.push(`about ${span(queue.averageHandleSeconds)} a chat`);
      const heldCount = engaged.length;
      return h("div", { class: "qcard", testid: "queue-card", dataset: { queueId: queue.queueId } },
        h("div", { class: "qhead" },
          h("span", { class: "qname", text: queue.name || queue.queueId }),
          queue.name && queue.name !== queue.queueId ? h("code", { class: "dim", text: queue.queueId }) : null,
          h("span", { class: "grow" }),
          h("span", { class: "pill count", text: `${waiting.length + pending.length} waiting` }),
          heldCount ? h("span", { class: "pill", text: `${heldCount} with agents` }) : null,
          facts.length ? h("div", { class: "small dim", style: "flex-basis:100%", text: facts.join(" · ") }) : null),
        body);
    }
    /** Counts the waited times locally between refreshes (on a virtual clock they stand still, as the clock does). */
    function tickQueues() {
      if (!queues.data || !queuesVisible()) return;
      const elapsed = Math.max(0, (accountNow(queues.dataAccount) - queues.fetchedAt) / 1000);
      for (const span of queues.list.querySelectorAll(".queue-waited")) span.textContent = "waited " + duration(Number(span.dataset.waited) + elapsed);
      for (const span of queues.list.querySelectorAll(".queue-pending")) {
        const engagement = state.engagements.get(span.dataset.engagementId);
        const waited = engagement && waitingSeconds(engagement);
        if (waited !== null && waited !== undefined) span.textContent = "waiting " + duration(waited);
      }
    }

    // ---- tools: scenarios and recordings ---------------------------------------------------------
    const scen = {};
    function buildScenarios() {
      const box = $("tool-scenarios");
      const error = h("div", { class: "error", role: "alert" });
      scen.error = error;
      scen.list = h("div", { class: "list", testid: "scenario-list" });
      scen.runs = h("div", { class: "list", testid: "scenario-runs" });
      scen.target = h("div", { class: "small dim" });
      scen.recordName = h("input", { placeholder: "recording name (optional)", "aria-label": "Recording name", class: "grow" });
      scen.recordings = h("div", { class: "list" });
      box.replaceChildren(
        h("div", { class: "row" }, h("h3", { text: "Scenarios" }), h("span", { class: "grow" }), h("button", { onclick: action(error, loadScenarios), text: "Reload" })),
        scen.target, scen.list, error,
        h("h3", { text: "Runs" }), scen.runs,
        h("h3", { text: "Recording the open chat" }),
        h("div", { class: "row" }, scen.recordName, h("button", { testid: "recording-start", onclick: action(error, startRecording), text: "Start recording" })),
        scen.recordings);
      loadScenarios().catch(e => report(error, e));
      loadRuns();
    }
    function refreshScenarioTargets() {
      if (!scen.target) return;
      scen.target.textContent = state.openId ? `“On chat” runs on ${short(state.openId)}; “Headless” plays a whole customer itself.` : "Open a chat to run a scenario on it; “Headless” plays a whole customer itself.";
    }
    async function loadScenarios() {
      const answer = await sim("GET", "/scenarios");
      const scenarios = answer.scenarios || [];
      scen.list.replaceChildren(...(scenarios.length ? scenarios.map(s => h("div", { class: "item" },
        h("span", { class: "grow" }, h("strong", { text: s.name }), " ", h("span", { class: "dim", text: s.description || (s.integration ? "integration " + s.integration : "") })),
        h("button", { onclick: action(scen.error, () => runScenario(s, true)), text: "On chat" }),
        h("button", { onclick: action(scen.error, () => runScenario(s, false)), text: "Headless" })))
        : [h("div", { class: "dim small", text: "No scenarios loaded (start axpsim with --scenarios DIR)." })]),
        ...(answer.failures || answer.errors || []).map(f => h("div", { class: "error", text: `${f.file || f.path || ""}: ${f.error || f.detail || JSON.stringify(f)}` })));
      refreshScenarioTargets();
    }
    async function runScenario(scenario, onChat) {
      let body;
      if (onChat) {
        if (!state.openId) throw new Error("open a chat first");
        body = { engagementId: state.openId };
      } else {
        const engagement = state.engagements.get(state.openId);
        const accountId = engagement ? engagement.accountId : state.accounts[0].accountId;
        const detail = state.details.get(accountId);
        const match = (detail.integrations || []).find(i => i.name === scenario.integration) || (detail.integrations || [])[0];
        body = { integrationId: match.integrationId };
      }
      await sim("POST", `/scenarios/${encodeURIComponent(scenario.name)}/run`, body);
      await loadRuns();
    }
    let runsTimer = null;
    async function loadRuns() {
      try {
        const runs = ((await sim("GET", "/scenario-runs")).runs || []).slice(-15).reverse();
        scen.runs.replaceChildren(...(runs.length ? runs.map(run => {
          const last = run.steps && run.steps[run.steps.length - 1];
          return h("div", { class: "item" },
            h("span", { class: "grow" }, h("strong", { text: run.scenario }), " ", h("span", { class: "pill", text: run.status }), " ",
              h("span", { class: "dim", text: `${run.role || ""} · ${(run.steps || []).length} steps${last ? ` · line ${last.line} ${last.kind} ${last.status}` : ""}` }),
              run.error ? h("div", { class: "error", text: run.error }) : null),
            run.status === "running" ? h("button", { onclick: action(scen.error, async () => { await sim("POST", `/scenario-runs/${run.runId}/cancel`); await loadRuns(); }), text: "Cancel" }) : null);
        }) : [h("div", { class: "dim small", text: "No runs yet." })]));
      } catch (error) { report(scen.error, error); }
    }
    function runsSoon() { if (!runsTimer) runsTimer = setTimeout(() => { runsTimer = null; loadRuns(); }, 400); }
    async function startRecording() {
      if (!state.openId) throw new Error("open a chat first");
      const body = { engagementId: state.openId };
      if (scen.recordName.value.trim()) body.name = scen.recordName.value.trim();
      const recording = await sim("POST", "/recordings", body);
      const status = h("span", { class: "grow" }, h("strong", { text: recording.name }), " ", h("span", { class: "dim", text: "recording " + short(recording.engagementId) }));
      const item = h("div", { class: "item" }, status);
      const stop = h("button", { testid: "recording-stop", text: "Stop", onclick: action(scen.error, async () => {
        let stopped;
        try { stopped = await sim("POST", `/recordings/${recording.recordingId}/stop`, {}); }
        catch (error) { if (error.status !== 409) throw error; stopped = await sim("POST", `/recordings/${recording.recordingId}/stop`, { overwrite: true }); }
        stop.remove();
        status.lastChild.textContent = stopped.file ? "written to " + stopped.file : "stopped";
        const url = URL.createObjectURL(new Blob([stopped.yaml || ""], { type: "application/yaml" }));
        item.append(h("a", { href: url, download: `${stopped.name}.yaml`, testid: "recording-download", text: "Download YAML" }));
        loadScenarios().catch(() => {});
      }) });
      item.append(stop);
      scen.recordings.prepend(item);
    }

    // ---- tools: faults -------------------------------------------------------------------------
    const faults = {};
    function buildFaults() {
      const box = $("tool-faults");
      const error = h("div", { class: "error", role: "alert" });
      faults.error = error;
      faults.method = h("select", { "aria-label": "Method" }, ["", "GET", "POST", "PUT", "DELETE"].map(m => h("option", { value: m, text: m || "any method" })));
      faults.path = h("input", { value: "/sdk/*/messages", placeholder: "/sdk/*/messages (* is any characters)", "aria-label": "Path pattern", class: "grow" });
      faults.kind = h("select", { "aria-label": "Action" }, [["status", "answer status"], ["delayMs", "delay (ms)"], ["drop", "drop the connection"]].map(([v, t]) => h("option", { value: v, text: t })));
      faults.value = h("input", { value: "503", size: 5, "aria-label": "Status or delay" });
      faults.probability = h("input", { value: "1", size: 4, "aria-label": "Probability" });
      faults.list = h("div", { class: "list", testid: "fault-list" });
      box.replaceChildren(
        h("div", { class: "hint", text: "Fault rules act on matching requests (and events) until removed. A path may use * for any characters." }),
        h("div", { class: "row" }, faults.method, faults.path),
        h("div", { class: "row" }, faults.kind, faults.value, h("span", { class: "dim small", text: "probability" }), faults.probability,
          h("button", { class: "primary", testid: "fault-add", onclick: action(error, addFault), text: "Add rule" })),
        error,
        h("div", { class: "row" }, h("h3", { class: "grow", text: "Active rules" }), h("button", { class: "danger", onclick: action(error, async () => { await sim("DELETE", "/faults"); await loadFaults(); }), text: "Remove all" })),
        faults.list);
      loadFaults().catch(e => report(error, e));
    }
    async function addFault() {
      const match = {};
      if (faults.method.value) match.method = faults.method.value;
      if (faults.path.value.trim()) match.path = faults.path.value.trim();
      if (!match.method && !match.path) throw new Error("give a path (or a method): a rule matching everything would also refuse the console's SDK calls");
      const kind = faults.kind.value;
      const actionBody = kind === "drop" ? { drop: true } : { [kind]: Number(faults.value.value) };
      await sim("POST", "/faults", { match, action: actionBody, probability: Number(faults.probability.value || 1) });
      await loadFaults();
    }
    async function loadFaults() {
      const answer = await sim("GET", "/faults");
      const rules = answer.rules || [];
      faults.list.replaceChildren(...(rules.length ? rules.map((rule, index) => h("div", { class: "item" },
        h("code", { class: "grow", text: JSON.stringify({ match: rule.match, action: rule.action, probability: rule.probability }) }),
        h("span", { class: "dim", text: `acted ${rule.hits ?? rule.count ?? rule.fired ?? 0}×` }),
        h("button", { class: "danger", text: "Remove", onclick: action(faults.error, async () => {
          const rest = rules.filter((_, i) => i !== index).map(r => { const copy = {}; for (const k of ["match", "action", "probability", "seed", "count"]) if (r[k] !== undefined && r[k] !== null) copy[k] = r[k]; return copy; });
          await sim("PUT", "/faults", { rules: rest });
          await loadFaults();
        }) })))
        : [h("div", { class: "dim small", text: "No fault rules." })]));
    }

    // ---- tools: snapshots ------------------------------------------------------------------------
    const snaps = {};
    function buildSnapshots() {
      const box = $("tool-snapshots");
      const error = h("div", { class: "error", role: "alert" });
      snaps.error = error;
      snaps.name = h("input", { placeholder: "before-refund", "aria-label": "Snapshot name", class: "grow", testid: "snapshot-name" });
      snaps.list = h("div", { class: "list", testid: "snapshot-list" });
      box.replaceChildren(
        h("div", { class: "hint", text: "A snapshot is the whole state (accounts, chats, events, clocks). Restoring replaces everything with it." }),
        h("div", { class: "row" }, snaps.name, h("button", { class: "primary", testid: "snapshot-take", onclick: action(error, async () => {
          await sim("POST", "/snapshots", { name: snaps.name.value.trim() || "snapshot-" + new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-") });
          snaps.name.value = "";
          await loadSnapshots();
        }), text: "Take snapshot" })),
        error, snaps.list);
      loadSnapshots().catch(e => report(error, e));
    }
    async function loadSnapshots() {
      const answer = await sim("GET", "/snapshots");
      const names = (answer.snapshots || []).map(s => typeof s === "string" ? s : s.name);
      snaps.list.replaceChildren(...(names.length ? names.map(name => h("div", { class: "item" }, h("span", { class: "grow", text: name }),
        h("button", { text: "Restore", onclick: action(snaps.error, async () => {
          if (!confirm(`Replace the whole state with “${name}”?`)) return;
          await sim("POST", `/snapshots/${encodeURIComponent(name)}/restore`);
          await loadAccounts(); state.engagements.clear(); await refreshChats(); renderClock();
        }) }),
        h("button", { class: "danger", text: "Delete", onclick: action(snaps.error, async () => { await sim("DELETE", `/snapshots/${encodeURIComponent(name)}`); await loadSnapshots(); }) })))
        : [h("div", { class: "dim small", text: "No snapshots yet." })]));
    }

    // ---- tools: journal --------------------------------------------------------------------------
    function buildJournal() {
      $("tool-journal").replaceChildren(h("div", { class: "hint", text: "Live events: every event of every session, newest first (GET /__sim/events?sinceId=&wait=25, a long poll)." }), h("div", { id: "journal-lines" }));
    }
    function renderJournal(entries) {
      const box = $("journal-lines");
      if (!box) return;
      for (const entry of entries) {
        const event = entry.event || {};
        const detail = event.message ? bodyText(event.message.body) : describeEvent(entry);
        box.prepend(h("div", { class: "line" }, h("span", { class: "dim mono", text: clockTime(entry.createdAt) }), h("code", { text: entry.accountId }),
          h("span", { class: "type", text: entry.eventType }), h("span", { text: detail })));
      }
      while (box.childElementCount > 300) box.lastElementChild.remove();
      if (entries.some(e => /SCENARIO|MESSAGE|PARTICIPANT/.test(e.eventType))) runsSoon();
    }

    // ---- start ---------------------------------------------------------------------------------
    async function start() {
      if (document.body.dataset.tokenLogin === "true") $("logout").hidden = false;
      await loadHealth();
      try { await loadAccounts(); } catch (error) { $("chats").replaceChildren(h("div", { class: "empty error", text: "Could not read accounts: " + error.message })); return; }
      buildTabs(); buildPlayground(); buildTime(); buildQueues(); buildScenarios(); buildFaults(); buildSnapshots(); buildJournal();
      await refreshChats();
      // Ticks the waiting times and typing indicators locally (no request).
      setInterval(() => {
        renderTyping();
        for (const span of document.querySelectorAll(".chat-row .waiting")) {
          const engagement = state.engagements.get(span.dataset.engagementId);
          const waiting = engagement && waitingSeconds(engagement);
          if (waiting !== null && waiting !== undefined) span.textContent = "waiting " + duration(waiting);
        }
        tickQueues();
      }, 1000);
      followJournal();
    }
    start();
    """#
}
