import AXPSimChat
import Foundation

/// The dashboard at `GET /`: one self-contained page that reads the control plane (health,
/// accounts, chats, scenario runs, the live event journal). It uses only `/__sim` calls, so it
/// shows what a test could see and is subject to the same loopback/control-token guard.
enum DashboardPage {
    static let html = #"""
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>axpsim</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <style>
      body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
      header { background: #1d2330; color: #fff; padding: 10px 20px; display: flex; gap: 16px; align-items: baseline; }
      header h1 { font-size: 18px; margin: 0; } #health { font-size: 13px; opacity: .85; }
      main { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; padding: 16px 20px; }
      section { background: #fff; border-radius: 8px; box-shadow: 0 1px 2px #0002; padding: 12px 16px; overflow: auto; max-height: 45vh; }
      h2 { font-size: 15px; margin: 0 0 8px; } table { border-collapse: collapse; width: 100%; font-size: 13px; }
      td, th { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eee; vertical-align: top; }
      code { font-size: 12px; } .ok { color: #137333; } .bad { color: #b3261e; } .dim { color: #6b7280; }
      #events td:nth-child(3) { font-weight: 600; }
    </style></head>
    <body>
    <header><h1>axpsim</h1><span id="health">…</span></header>
    <main>
      <section><h2>Accounts and clocks</h2><table id="accounts"></table></section>
      <section><h2>Engagements</h2><table id="engagements"></table></section>
      <section><h2>Scenario runs</h2><table id="runs"></table></section>
      <section><h2>Live events</h2><table id="events"></table></section>
    </main>
    <script>
    const get = p => fetch(p).then(r => r.ok ? r.json() : Promise.reject(r.status));
    const esc = s => String(s ?? "").replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
    const row = cells => "<tr>" + cells.map(c => "<td>" + c + "</td>").join("") + "</tr>";
    async function refresh() {
      try {
        const h = await get("/__sim/health");
        document.getElementById("health").innerHTML = `<span class="${h.status == "ok" ? "ok" : "bad"}">${esc(h.status)}</span> · v${esc(h.version)} · ${esc(h.parts.http.url)} · ${esc(h.parts.websocket.url)} · ${h.parts.websocket.connections} sockets`;
        const accounts = (await get("/__sim/accounts")).accounts;
        let a = "<tr><th>account</th><th>name</th><th>clock</th></tr>", e = "<tr><th>engagement</th><th>customer</th><th>status</th><th>messages</th></tr>";
        for (const acc of accounts) {
          const clock = await get(`/__sim/accounts/${acc.accountId}/clock`);
          a += row([`<code>${esc(acc.accountId)}</code>`, esc(acc.name), `${esc(clock.mode)} <span class="dim">${esc(clock.now)}</span>`]);
          for (const en of (await get(`/__sim/accounts/${acc.accountId}/engagements`)).engagements.slice(0, 20))
            e += row([`<code>${esc(en.engagementId.slice(0, 8))}</code>`, esc(en.customerId), esc(en.status), en.messageCount]);
        }
        document.getElementById("accounts").innerHTML = a;
        document.getElementById("engagements").innerHTML = e;
        const runs = (await get("/__sim/scenario-runs")).runs.slice(-20).reverse();
        document.getElementById("runs").innerHTML = "<tr><th>scenario</th><th>side</th><th>status</th><th>last step</th></tr>" +
          runs.map(r => { const s = r.steps[r.steps.length - 1]; return row([esc(r.scenario), esc(r.role), `<span class="${r.status == "failed" ? "bad" : "ok"}">${esc(r.status)}</span>`, s ? `line ${s.line} ${esc(s.kind)} ${esc(s.status)}` : ""]); }).join("");
      } catch (err) { document.getElementById("health").textContent = "control plane unreachable (" + err + ")"; }
    }
    let since = 0;
    async function follow() {
      for (;;) {
        try {
          const page = await get(`/__sim/events?sinceId=${since}&wait=25&limit=200`);
          since = page.lastId;
          const table = document.getElementById("events");
          for (const ev of page.events) {
            const detail = ev.event.message ? ev.event.message.body?.elementText?.text : (ev.event.participant?.displayName ?? ev.event.reason ?? "");
            const files = (ev.event.message?.attachments ?? []).map(f => ` <a href="${esc(f.url)}" target="_blank" rel="noopener noreferrer">[${esc(f.name)}, ${esc(f.size)} bytes]</a>`).join("");
            table.insertAdjacentHTML("afterbegin", row([`<span class="dim">${esc(ev.createdAt.slice(11, 23))}</span>`, `<code>${esc(ev.accountId)}</code>`, esc(ev.eventType), esc(detail) + files]));
          }
          while (table.rows.length > 200) table.deleteRow(-1);
          if (page.events.length) refresh();
        } catch (err) { await new Promise(r => setTimeout(r, 2000)); }
      }
    }
    get("/__sim/events?limit=1").then(p => { refresh(); follow(); });
    setInterval(refresh, 5000);
    </script>
    </body></html>
    """#
}
