// The kit against the real binary: one server for this file, an isolated account per test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startAxpsim, AxpsimClient, AxpsimError, RETAIL } from '../axpsim.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let sim, api;
before(async () => {
  sim = await startAxpsim({ bin: process.env.AXPSIM_BIN, fixtures: `${root}fixtures`, scenarios: `${root}scenarios` });
  api = sim.client();
});
after(async () => {
  assert.equal(await sim.stop(), 0, 'SIGTERM stops the server with exit code 0');
});

test('start: free loopback ports, healthy', async () => {
  assert.match(sim.httpUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(sim.wsUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);
  const health = await api.health();
  assert.equal(health.status, 'ok');
});

test('back end: access token and chat JWT of a fixture account', async () => {
  const token = await api.accessToken(RETAIL);
  assert.ok(token.length > 10);
  const { jwtToken, expiresAt } = await api.mintChatJwt(RETAIL, { customerId: 'c1', customerName: 'C One', ttlSeconds: 1800, accessToken: token });
  assert.ok(jwtToken.startsWith('jwt.'));
  assert.ok(Date.parse(expiresAt) > Date.now());
});

test('provisioned accounts are isolated from each other', async () => {
  const a = await api.provisionTenant({ name: 'a' });
  const b = await api.provisionTenant({ name: 'b', integration: { name: 'sales', defaultTtlMinutes: 30 } });
  assert.notEqual(a.accountId, b.accountId);
  // A's credentials do not work on B.
  await assert.rejects(api.accessToken({ ...b, clientId: a.clientId, clientSecret: a.clientSecret }),
    (error) => error instanceof AxpsimError && error.status >= 400);
  await api.mintChatJwt(b, { customerId: 'x' });
});

test('agents: join, typing, say, leave, end reach the customer', async () => {
  const tenant = await api.provisionTenant();
  const ann = await api.customer(tenant, { customerId: 'ann' });
  await ann.startSession({ displayName: 'Ann' });
  const chat = await ann.startChat();
  const alice = await api.agentJoin(chat.engagementId, { displayName: 'Alice' });
  assert.equal(alice.participantType, 'AGENT');
  await api.agentTyping(chat.engagementId);
  await api.agentSay(chat.engagementId, 'Hello', { participantId: alice.participantId });
  await api.agentLeave(chat.engagementId);
  const bob = await api.agentJoin(chat.engagementId, { displayName: 'Bob' });
  await api.endChat(chat.engagementId, { reason: 'AGENT_CLOSED' });

  const seen = await ann.poll();
  const types = seen.map((e) => e.eventType);
  assert.ok(types.includes('MESSAGE'));
  assert.ok(types.includes('PARTICIPANT_DISCONNECTED'));
  const typing = await api.waitForEvent((e) => e.eventType === 'TYPING', { accountId: tenant.accountId, timeoutMs: 2000 });
  assert.equal(typing.event.participant.displayName, 'Alice');
  const engagement = await api.engagement(chat.engagementId);
  assert.equal(engagement.dialogs[0].dialogStatus, 'TERMINATED');
  assert.ok(bob.participantId !== alice.participantId);
  assert.deepEqual((await api.messages(chat.engagementId)).map((m) => m.body.elementText.text), ['Hello']);
  const anns = await api.engagements(tenant.accountId, { customerId: 'ann' });
  assert.deepEqual(anns.engagements.map((e) => e.engagementId), [chat.engagementId]);
  assert.deepEqual((await api.engagements(tenant.accountId, { customerId: 'nobody' })).engagements, []);
});

test('journal: waitForEvent long-polls for an event that comes later', async () => {
  const tenant = await api.provisionTenant();
  const ann = await api.customer(tenant, { customerId: 'ann' });
  await ann.startSession();
  const chat = await ann.startChat();
  const { lastId } = await api.events({ accountId: tenant.accountId });
  const waiting = api.waitForEvent((e) => e.eventType === 'MESSAGE' && e.event.message.body.elementText.text === 'later',
    { accountId: tenant.accountId, sinceId: lastId });
  await api.agentJoin(chat.engagementId);
  await api.agentSay(chat.engagementId, 'later');
  const entry = await waiting;
  assert.equal(entry.engagementId, chat.engagementId);
  assert.ok(entry.id > lastId);
});

test('journal: waitForEvent gives up after its timeout', async () => {
  const tenant = await api.provisionTenant();
  const started = Date.now();
  await assert.rejects(api.waitForEvent(() => true, { accountId: tenant.accountId, timeoutMs: 1200 }), /no journal event matched/);
  assert.ok(Date.now() - started < 5000);
});

test('clock: frozen time moves only on advance', async () => {
  const tenant = await api.provisionTenant();
  const frozen = await api.freezeClock(tenant.accountId, { now: '2030-01-01T09:00:00.000Z' });
  assert.deepEqual(frozen, { mode: 'virtual', now: '2030-01-01T09:00:00.000Z' });
  const advanced = await api.advanceClock(tenant.accountId, 90);
  assert.equal(advanced.now, '2030-01-01T09:01:30.000Z');
  assert.equal((await api.clock(tenant.accountId)).now, '2030-01-01T09:01:30.000Z');
  assert.equal((await api.realClock(tenant.accountId)).mode, 'real');
  await assert.rejects(api.advanceClock(tenant.accountId, 1), (e) => e.status === 409);
});

test('scenarios: a headless run on a virtual clock finishes on advance', async () => {
  const tenant = await api.provisionTenant();
  await api.freezeClock(tenant.accountId);
  const run = await api.runScenario('happy-path', { integrationId: tenant.integrationId });
  assert.equal(run.status, 'running');
  await api.advanceClock(tenant.accountId, 10 * 60);
  const done = await api.waitForRun(run.runId, { timeoutMs: 5000 });
  assert.equal(done.status, 'passed', JSON.stringify(done));
  const agentSide = await api.waitForRun(run.childRunId, { status: 'passed', timeoutMs: 5000 });
  assert.equal(agentSide.scenario, 'happy-path');
});

test('faults: a rule makes minting fail until cleared', async () => {
  const tenant = await api.provisionTenant();
  const token = await api.accessToken(tenant);
  await api.setFaults([{ match: { path: `/api/digital/chat/v1/accounts/${tenant.accountId}/tokens` }, action: { status: 503 }, probability: 1 }]);
  try {
    assert.equal((await api.faults()).rules.length, 1);
    await assert.rejects(api.mintChatJwt(tenant, { customerId: 'f', accessToken: token }), (e) => e.status === 503);
  } finally {
    await api.clearFaults();
  }
  await api.mintChatJwt(tenant, { customerId: 'f', accessToken: token });
});

test('resetAccount empties a provisioned account and leaves others', async () => {
  const a = await api.provisionTenant();
  const b = await api.provisionTenant();
  const ann = await api.customer(a, { customerId: 'ann' });
  await ann.startSession();
  await ann.startChat();
  const other = await api.customer(b, { customerId: 'bob' });
  await other.startSession();
  await other.startChat();
  await api.resetAccount(a.accountId);
  const left = await api.engagements(b.accountId);
  assert.equal((left.engagements ?? left).length, 1);
});

test('errors: AxpsimError carries status and problem body', async () => {
  const error = await api.engagement('00000000-0000-0000-0000-000000000000').catch((e) => e);
  assert.ok(error instanceof AxpsimError);
  assert.equal(error.status, 404);
  assert.equal(typeof error.body, 'object');
});

test('a client made from the URL alone works (as in a browser)', async () => {
  const plain = new AxpsimClient(`${sim.httpUrl}/`);
  assert.equal((await plain.health()).status, 'ok');
});

test('startAxpsim: a binary that fails is reported, nothing is left behind', async () => {
  await assert.rejects(startAxpsim({ bin: process.env.AXPSIM_BIN, args: ['--no-such-option'], timeoutMs: 10_000 }), /exited/);
  await assert.rejects(startAxpsim({ bin: '/nonexistent/axpsim', timeoutMs: 2000 }), /ENOENT/);
});

test('startAxpsim: a ready file naming another process is refused', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/axpsim-js-fake-`);
  const fake = `${dir}/axpsim`;
  writeFileSync(fake, '#!/bin/sh\nwhile [ "$1" != --ready-file ]; do shift; done\n'
    + 'echo \'{"pid": 1, "httpUrl": "http://127.0.0.1:1", "wsUrl": "ws://127.0.0.1:1"}\' > "$2"\nexec sleep 30\n', { mode: 0o755 });
  try {
    await assert.rejects(startAxpsim({ bin: fake, timeoutMs: 10_000 }), /pid 1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a server with --control-token: the client sends it, others are refused', async () => {
  const guarded = await startAxpsim({ bin: process.env.AXPSIM_BIN, fixtures: `${root}fixtures`, args: ['--control-token', 'kit-secret'] });
  try {
    assert.equal((await guarded.client({ controlToken: 'kit-secret' }).provisionTenant()).accountId.length, 6);
    await assert.rejects(guarded.client().provisionTenant(), (e) => e instanceof AxpsimError && e.status === 401);
  } finally {
    assert.equal(await guarded.stop(), 0);
  }
});

test('a forgotten stop() neither keeps Node running nor leaves the server behind', async () => {
  const { execFileSync } = await import('node:child_process');
  const script = `import { startAxpsim } from ${JSON.stringify(new URL('../axpsim.mjs', import.meta.url).href)};
    const sim = await startAxpsim({ bin: ${JSON.stringify(process.env.AXPSIM_BIN ?? 'axpsim')} });
    console.log(sim.pid);`;
  const pid = Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 }).toString().trim());
  assert.ok(pid > 0);
  // Killed with the script's exit (a zombie until init reaps it counts as gone); bounded wait for the kernel.
  const alive = () => { try { return !/^\S+ \(\S+\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; } };
  const deadline = Date.now() + 5000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(alive(), false);
});

test('stop: the process is gone and its folder removed', async () => {
  const other = await startAxpsim({ bin: process.env.AXPSIM_BIN, fixtures: `${root}fixtures` });
  assert.equal(await other.stop(), 0);
  assert.equal(await other.stop(), 0, 'stop twice is harmless');
  assert.throws(() => process.kill(other.pid, 0));
  assert.ok(!existsSync(`/proc/${other.pid}`));
});

test('routing: queues, agents and a chat answered on the virtual clock', async () => {
  const tenant = await api.provisionTenant({ name: 'routed' });
  const account = tenant.accountId;
  await api.createQueue(account, { queueId: 'help', answerDelaySeconds: 10, greeting: '{agent} here.',
    agents: [{ agentId: 'zoe', displayName: 'Zoe', state: 'away' }] });
  await api.request('PATCH', `/__sim/accounts/${account}/integrations/${tenant.integrationId}`, { json: { routing: { defaultQueue: 'help' } } });
  assert.deepEqual((await api.queues(account)).map((q) => q.queueId), ['help']);
  await api.freezeClock(account, { now: '2030-01-01T09:00:00Z' });
  const ann = await api.customer(tenant, { customerId: 'ann' });
  await ann.startSession();
  const chat = await ann.startChat();
  assert.equal((await api.routing(chat.engagementId)).queue, 'help');
  assert.deepEqual((await api.queue(account, 'help')).waiting.map((w) => w.engagementId), [chat.engagementId]);
  assert.equal((await api.setAgentState(account, 'help', 'zoe', 'available')).state, 'available');
  await api.advanceClock(account, 10);
  const texts = (await ann.poll()).filter((e) => e.eventType === 'MESSAGE').map((e) => e.message.body.elementText.text);
  assert.deepEqual(texts, ['Zoe here.']);
  assert.equal((await api.queue(account, 'help')).agents[0].load, 1);
});
