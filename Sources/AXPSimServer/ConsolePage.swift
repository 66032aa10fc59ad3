import Foundation

/// The console at `GET /` (SPEC 6.2): one self-contained page — markup and style here, behaviour in
/// ``ConsoleScript`` — served by axpsim with no build step and no CDN, so it works offline.
///
/// It drives only the control plane (`/__sim/…`, under the same guard) and, for the customer
/// playground, the Chat SDK routes and the back-end token API exactly as a real client calls them.
/// It follows the control-plane journal with a long poll (`/__sim/events?wait=`), never a tight
/// polling loop, and renders every datum with `textContent`, never as HTML.
enum ConsolePage {
    /// The whole page; `tokenLogin` shows the sign-out button (the server was started with `--control-token`).
    static func html(tokenLogin: Bool) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>axpsim</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>\(style)</style></head>
        <body data-token-login="\(tokenLogin)">\(body)<script>\(ConsoleScript.source)</script></body></html>
        """
    }

    /// The style sheet: a three-column layout (chats, the chat pane, tools) that stacks on narrow screens.
    static let style = #"""
    :root { --bg:#f4f5f8; --panel:#fff; --ink:#1d2330; --dim:#6b7280; --line:#e3e6ec; --accent:#1d4ed8; --accent-soft:#e8eefc;
            --ok:#137333; --warn:#b45309; --bad:#b3261e; --agent:#eef6ee; --customer:#e8eefc; --system:#f6f1e7; }
    * { box-sizing: border-box; }
    html, body { height: 100%; }
    body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--ink); }
    header { display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; padding: 8px 16px; background: #1d2330; color: #fff; }
    header h1 { font-size: 17px; margin: 0; letter-spacing: .2px; }
    header .health { font-size: 12px; opacity: .85; }
    header .spacer { flex: 1; }
    header form { margin: 0; }
    header button { background: transparent; color: #fff; border-color: #ffffff55; }
    .app { display: grid; grid-template-columns: 260px minmax(0, 1fr) 430px; gap: 12px; padding: 12px; height: calc(100vh - 46px); }
    .panel { background: var(--panel); border-radius: 8px; box-shadow: 0 1px 2px #0002; display: flex; flex-direction: column; min-height: 0; overflow: hidden; }
    .panel > h2, .panel-head { font-size: 14px; margin: 0; padding: 10px 12px; border-bottom: 1px solid var(--line); display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
    .scroll { overflow: auto; min-height: 0; flex: 1; }
    h3 { font-size: 13px; margin: 12px 0 6px; }
    button, select, input, textarea { font: inherit; font-size: 13px; }
    button { padding: 5px 10px; border: 1px solid #c7ccd6; border-radius: 6px; background: #fff; color: var(--ink); cursor: pointer; white-space: nowrap; }
    button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
    button.danger { color: var(--bad); border-color: #e8b4b0; }
    button:disabled { opacity: .45; cursor: default; }
    input, select, textarea { padding: 5px 7px; border: 1px solid #c7ccd6; border-radius: 6px; background: #fff; min-width: 0; }
    textarea { resize: vertical; width: 100%; }
    .row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
    .row > .grow { flex: 1; }
    .dim { color: var(--dim); } .small { font-size: 12px; }
    code, .mono { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
    .pill { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 10px; background: #eef0f4; color: #374151; }
    .pill.PENDING { background: #fff4de; color: var(--warn); } .pill.ACTIVE { background: #e2f4e6; color: var(--ok); }
    .pill.TERMINATED, .pill.TERMINATING { background: #eef0f4; color: var(--dim); } .pill.virtual { background: #ede7fb; color: #5b21b6; }
    .badge { min-width: 20px; text-align: center; font-size: 11px; font-weight: 700; padding: 1px 6px; border-radius: 10px; background: var(--bad); color: #fff; }
    /* chats */
    .account { padding: 8px 12px; border-bottom: 1px solid var(--line); background: #fafbfc; }
    .account .name { font-weight: 600; }
    .chat-row { display: grid; grid-template-columns: 1fr auto; gap: 2px 8px; padding: 8px 12px; border-bottom: 1px solid var(--line); cursor: pointer; }
    .chat-row:hover { background: #f7f9fc; } .chat-row.open { background: var(--accent-soft); box-shadow: inset 3px 0 var(--accent); }
    .chat-row .who { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .chat-row .meta { grid-column: 1 / -1; font-size: 12px; color: var(--dim); display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
    .empty { padding: 16px 12px; color: var(--dim); }
    /* transcripts */
    .transcript { flex: 1; overflow: auto; padding: 12px; display: flex; flex-direction: column; gap: 6px; min-height: 120px; background: #fbfcfd; }
    .msg { max-width: 78%; padding: 6px 10px; border-radius: 10px; background: var(--customer); align-self: flex-start; overflow-wrap: anywhere; }
    .msg.mine { align-self: flex-end; background: var(--agent); }
    .msg .from { font-size: 11px; color: var(--dim); display: block; }
    .msg .text { white-space: pre-wrap; }
    .msg .actions { display: flex; gap: 4px; flex-wrap: wrap; margin-top: 4px; }
    .msg .actions button { font-size: 12px; padding: 2px 8px; }
    .cards { display: flex; gap: 6px; overflow-x: auto; margin-top: 4px; }
    .card { border: 1px solid var(--line); background: #fff; border-radius: 8px; padding: 6px 8px; min-width: 140px; max-width: 180px; }
    .card .title { font-weight: 600; }
    .event { align-self: center; font-size: 12px; color: var(--dim); background: var(--system); border-radius: 10px; padding: 2px 10px; text-align: center; overflow-wrap: anywhere; }
    .event.timer { color: #5b21b6; background: #efe9fb; font-weight: 600; }
    .typing { min-height: 20px; padding: 0 12px; font-size: 12px; color: var(--dim); font-style: italic; }
    .composer { border-top: 1px solid var(--line); padding: 8px 12px; display: flex; flex-direction: column; gap: 6px; }
    .hint { font-size: 12px; color: var(--dim); }
    .placeholder { flex: 1; display: grid; place-items: center; color: var(--dim); padding: 24px; text-align: center; }
    /* tools */
    .tabs { display: flex; gap: 0; padding: 6px 4px 0; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
    .tabs button { border: 0; border-radius: 6px 6px 0 0; background: transparent; padding: 6px 4px; color: var(--dim); font-size: 12px; }
    .tabs button.on { background: var(--accent-soft); color: var(--accent); font-weight: 600; }
    .tool { display: none; padding: 10px 12px; flex-direction: column; gap: 8px; overflow: auto; min-height: 0; flex: 1; }
    .tool.on { display: flex; }
    .device { border: 1px solid var(--line); border-radius: 8px; display: flex; flex-direction: column; min-height: 260px; max-height: 420px; overflow: hidden; }
    .device .panel-head { background: #fafbfc; font-size: 12px; padding: 6px 10px; }
    .device .panel-head button, .panel-head .compact { padding: 2px 8px; font-size: 12px; }
    .panel-head select, .panel-head input { width: auto; }
    .list { display: flex; flex-direction: column; gap: 4px; }
    .item { border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; font-size: 12px; display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
    .item .grow { flex: 1; min-width: 0; overflow-wrap: anywhere; }
    .journal .line { font-size: 12px; border-bottom: 1px solid var(--line); padding: 3px 0; display: flex; gap: 6px; overflow-wrap: anywhere; }
    .journal .line .type { font-weight: 600; }
    .journal .line > :not(:last-child) { flex: none; }
    .error { color: var(--bad); font-size: 12px; min-height: 0; }
    /* queues */
    .qcard { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; flex: none; }
    .qcard .qhead { background: #fafbfc; padding: 6px 10px; border-bottom: 1px solid var(--line); display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
    .qcard .qhead .qname { font-weight: 600; overflow-wrap: anywhere; }
    .qcard .qbody { padding: 6px 10px 8px; display: flex; flex-direction: column; gap: 3px; }
    .qcard h4 { font-size: 11px; text-transform: uppercase; letter-spacing: .4px; color: var(--dim); margin: 4px 0 0; font-weight: 600; }
    .agent-row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; font-size: 12px; }
    .agent-row .aname { font-weight: 600; min-width: 60px; overflow-wrap: anywhere; }
    .agent-row.away .aname { color: var(--dim); }
    .agent-row button { padding: 1px 8px; font-size: 12px; margin-left: auto; }
    .load { display: inline-flex; align-items: center; gap: 4px; }
    .load .bar { width: 44px; height: 6px; border-radius: 3px; background: #e5e7eb; overflow: hidden; display: inline-block; }
    .load .bar > span { display: block; height: 100%; background: var(--accent); }
    .load.full .bar > span { background: var(--warn); }
    .attrs { font: 11px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--dim); overflow-wrap: anywhere; }
    .qrow { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; font-size: 12px; padding: 3px 6px; border-radius: 6px; cursor: pointer; }
    .qrow:hover, .qrow:focus { background: #f2f5fb; outline: none; }
    .qrow.open { background: var(--accent-soft); }
    .qrow .pos { font-weight: 700; min-width: 22px; }
    .qrow.held { margin-left: 14px; }
    .pill.available, .pill.connected { background: #e2f4e6; color: var(--ok); } .pill.away { background: #eef0f4; color: var(--dim); }
    .pill.assigned { background: #fff4de; color: var(--warn); } .pill.count { background: var(--accent-soft); color: var(--accent); }
    .event.routed { color: #1e40af; background: #e8eefc; }
    label.field { display: flex; flex-direction: column; gap: 2px; font-size: 12px; color: var(--dim); }
    @media (max-width: 1100px) { .app { grid-template-columns: 240px minmax(0, 1fr); } .tools { grid-column: 1 / -1; min-height: 520px; } }
    @media (max-width: 720px) {
      .app { display: flex; flex-direction: column; height: auto; padding: 8px; gap: 8px; }
      .chats { max-height: 260px; } .chatpane { min-height: 480px; } .chatpane:has(.placeholder) { min-height: 0; } .tools { min-height: 520px; }
      .msg { max-width: 92%; }
    }
    """#

    /// The markup: empty containers the script fills.
    static let body = #"""
    <header>
      <h1>axpsim console</h1>
      <span class="health" id="health">connecting…</span>
      <span class="spacer"></span>
      <form method="post" action="/__sim/logout" id="logout" hidden><button type="submit">Sign out</button></form>
    </header>
    <div class="app">
      <section class="panel chats" aria-label="Chats">
        <h2>Chats <span class="dim small" id="chat-count"></span></h2>
        <div class="scroll" id="chats"><div class="empty">Loading…</div></div>
      </section>
      <section class="panel chatpane" aria-label="Chat" id="chatpane">
        <div class="placeholder" id="chat-placeholder">Pick a chat on the left, or start one as a customer in the playground →</div>
      </section>
      <section class="panel tools" aria-label="Tools">
        <nav class="tabs" id="tabs"></nav>
        <div class="tool" id="tool-playground"></div>
        <div class="tool" id="tool-time"></div>
        <div class="tool" id="tool-queues"></div>
        <div class="tool" id="tool-scenarios"></div>
        <div class="tool" id="tool-faults"></div>
        <div class="tool" id="tool-snapshots"></div>
        <div class="tool journal" id="tool-journal"></div>
      </section>
    </div>
    """#
}
