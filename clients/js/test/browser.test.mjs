// The module in a real browser (headless Chromium, when installed): a page served from another
// origin imports axpsim.mjs and, under the server's CORS, gets an access token, a chat JWT, a
// session and a chat — the calls a page can make. Skipped when no Chromium is found.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startAxpsim } from '../axpsim.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const chrome = [process.env.AXPSIM_CHROME, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
  .find((path) => path && existsSync(path));

let sim, api, pages;
before(async () => {
  if (!chrome) return;
  sim = await startAxpsim({ bin: process.env.AXPSIM_BIN, fixtures: `${root}fixtures` });
  api = sim.client();
});
after(async () => {
  await sim?.stop();
  pages?.close();
});

test('a page on another origin uses the kit for the back-end and SDK calls', { skip: !chrome && 'no Chromium' }, async () => {
  const tenant = await api.provisionTenant();
  const module = readFileSync(`${root}clients/js/axpsim.mjs`);
  const page = `<!doctype html><title>kit</title><pre id="out">pending</pre><script type="module">
    import { AxpsimClient } from './axpsim.mjs';
    const out = document.getElementById('out');
    try {
      const api = new AxpsimClient(${JSON.stringify(sim.httpUrl)});
      const ann = await api.customer(${JSON.stringify(tenant)}, { customerId: 'browser-ann' });
      await ann.startSession({ displayName: 'Ann' });
      const chat = await ann.startChat();
      await ann.say(chat, 'from the browser');
      out.textContent = 'ok ' + chat.engagementId;
    } catch (error) { out.textContent = 'error ' + error.message; }
  </script>`;
  pages = createServer((request, response) => {
    const js = request.url === '/axpsim.mjs';
    response.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    response.end(js ? module : page);
  });
  await new Promise((resolve) => pages.listen(0, '127.0.0.1', resolve));
  const profile = mkdtempSync(join(tmpdir(), 'axpsim-chrome-'));
  try {
    const dom = await new Promise((resolve, reject) => {
      const browser = spawn(chrome, ['--headless=new', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profile}`,
        '--virtual-time-budget=10000', '--dump-dom', `http://localhost:${pages.address().port}/`], { stdio: ['ignore', 'pipe', 'ignore'] });
      let html = '';
      browser.stdout.on('data', (chunk) => { html += chunk; });
      const timer = setTimeout(() => { browser.kill('SIGKILL'); reject(new Error('chromium did not finish in 30 s')); }, 30_000);
      browser.on('exit', () => { clearTimeout(timer); resolve(html); });
    });
    const result = /<pre id="out">([^<]*)<\/pre>/.exec(dom)?.[1];
    assert.match(result ?? dom, /^ok [0-9a-f-]{36}$/);
    const entry = await api.waitForEvent((e) => e.eventType === 'MESSAGE', { accountId: tenant.accountId, timeoutMs: 5000 });
    assert.equal(entry.event.message.body.elementText.text, 'from the browser');
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});
