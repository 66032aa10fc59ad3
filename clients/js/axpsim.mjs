// axpsim client kit for JavaScript: start a local axpsim, call its back-end API as a token back end
// does, drive its control plane (/__sim) as the contact center, and act as a chat customer.
//
// Zero dependencies. Node >= 18 (global fetch). Everything but `startAxpsim` also works in a browser:
// the Node modules it needs are imported only when it is called.
//
// Types: see axpsim.d.ts (hand-written) and the JSDoc below.

/**
 * @typedef {import('./axpsim.d.ts').Tenant} Tenant
 * @typedef {import('./axpsim.d.ts').JournalEntry} JournalEntry
 * @typedef {import('./axpsim.d.ts').ScenarioRun} ScenarioRun
 * @typedef {import('./axpsim.d.ts').FaultRule} FaultRule
 * @typedef {import('./axpsim.d.ts').StartOptions} StartOptions
 * @typedef {import('./axpsim.d.ts').RunningAxpsim} RunningAxpsim
 */

/** The bundled fixture accounts (fixtures/accounts.yaml), with their first integration. */
export const RETAIL = Object.freeze({
  accountId: 'DEMOAA', clientId: 'retail-backend', clientSecret: 'retail-backend-secret',
  appKey: 'retail-appkey-0001', integrationId: '6f1c2a52-6d2e-4c1b-9a43-0d6c8e1f2a01',
});
export const BANK = Object.freeze({
  accountId: 'DEMOBB', clientId: 'bank-backend', clientSecret: 'bank-backend-secret',
  appKey: 'bank-appkey-0001', integrationId: '9b7e4d10-3c5f-4e8a-8d21-7a3b5c6d7e01',
});

/** An answer with an unexpected status; `status`, `body` (parsed JSON or text) and `path` tell which. */
export class AxpsimError extends Error {
  /** @param {string} method @param {string} path @param {number} status @param {unknown} body */
  constructor(method, path, status, body) {
    super(`${method} ${path} answered ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    this.name = 'AxpsimError';
    this.method = method;
    this.path = path;
    this.status = status;
    this.body = body;
  }
}

/**
 * Starts `axpsim serve` on free loopback ports (Node only) and resolves once its ready file exists.
 * @param {StartOptions} [options]
 * @returns {Promise<RunningAxpsim>}
 */
export async function startAxpsim(options = {}) {
  const { spawn } = await import('node:child_process');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');

  const bin = options.bin ?? globalThis.process?.env?.AXPSIM_BIN ?? 'axpsim';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axpsim-js-'));
  const readyFile = path.join(dir, 'ready.json');
  const args = ['serve', '--http-port', '0', '--ws-port', '0', '--db', options.db ?? ':memory:',
    '--ready-file', readyFile, '--log-level', options.logLevel ?? 'warning'];
  if (options.fixtures) args.push('--fixtures', options.fixtures);
  if (options.scenarios) args.push('--scenarios', options.scenarios);
  args.push(...(options.args ?? []));

  const child = spawn(bin, args, {
    cwd: options.cwd, env: { ...process.env, ...(options.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (/** @type {Buffer} */ chunk) => { output = (output + chunk.toString()).slice(-8000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  let exitCode = /** @type {number | null | undefined} */ (undefined);
  exited.then((code) => { exitCode = code; });
  let spawned = true;
  const spawnError = new Promise((_, reject) => child.on('error', (error) => { spawned = false; reject(error); }));
  spawnError.catch(() => {});

  // A forgotten stop() must neither keep Node running nor leave the server behind: the child does
  // not hold the event loop, and it is killed when this process exits.
  child.unref();
  /** @type {any} */ (child.stdout).unref?.();
  /** @type {any} */ (child.stderr).unref?.();
  const killOnExit = () => {
    if (exitCode === undefined) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  const cleanup = () => { process.removeListener('exit', killOnExit); fs.rmSync(dir, { recursive: true, force: true }); };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  /** @type {{httpUrl: string, wsUrl: string, pid: number} | undefined} */
  let info;
  try {
    while (!info) {
      await Promise.race([new Promise((r) => setTimeout(r, 20)), spawnError]);
      if (exitCode !== undefined) throw new Error(`axpsim exited with ${exitCode} before it was ready:\n${output}`);
      if (fs.existsSync(readyFile)) info = JSON.parse(fs.readFileSync(readyFile, 'utf8'));
      else if (Date.now() > deadline) throw new Error(`axpsim was not ready within ${options.timeoutMs ?? 30_000} ms:\n${output}`);
    }
  } catch (error) {
    if (spawned && exitCode === undefined) { child.ref(); child.kill('SIGKILL'); await exited; }
    cleanup();
    throw error;
  }

  const { httpUrl, wsUrl, pid } = /** @type {{httpUrl: string, wsUrl: string, pid: number}} */ (info);
  if (pid !== undefined && pid !== child.pid) {
    child.ref(); child.kill('SIGKILL'); await exited; cleanup();
    throw new Error(`the ready file names pid ${pid}, not the started axpsim (${child.pid})`);
  }
  return {
    httpUrl, wsUrl, pid: /** @type {number} */ (child.pid),
    get output() { return output; },
    client: (clientOptions) => new AxpsimClient(httpUrl, clientOptions),
    async stop(stopOptions = {}) {
      if (exitCode === undefined) {
        child.ref();   // hold the event loop until the exit is seen
        child.kill('SIGTERM');
        const timeoutMs = stopOptions.timeoutMs ?? 15_000;
        /** @type {ReturnType<typeof setTimeout> | undefined} */
        let timer;
        const late = new Promise((r) => { timer = setTimeout(() => r('late'), timeoutMs); });
        if (await Promise.race([exited, late]) === 'late') { child.kill('SIGKILL'); await exited; }
        clearTimeout(timer);
      }
      cleanup();
      return /** @type {number | null} */ (exitCode);
    },
  };
}

/** Client of one running axpsim: back-end API, control plane, chat customers. */
export class AxpsimClient {
  /**
   * @param {string} httpUrl e.g. `http://127.0.0.1:8080`
   * @param {{controlToken?: string, fetch?: typeof fetch}} [options]
   */
  constructor(httpUrl, options = {}) {
    this.httpUrl = httpUrl.replace(/\/$/, '');
    this.controlToken = options.controlToken;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /**
   * One HTTP call; throws AxpsimError unless the status is `expect` (any 2xx when omitted).
   * @param {string} method @param {string} path
   * @param {{json?: unknown, form?: Record<string,string>, headers?: Record<string,string>, query?: Record<string, string|number|undefined>, expect?: number}} [options]
   * @returns {Promise<any>} the parsed JSON body (text if not JSON, null if empty)
   */
  async request(method, path, options = {}) {
    const headers = { ...(options.headers ?? {}) };
    if (path.startsWith('/__sim/') && this.controlToken) headers.authorization = `Bearer ${this.controlToken}`;
    /** @type {string | undefined} */
    let body;
    if (options.json !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(options.json); }
    if (options.form) { headers['content-type'] = 'application/x-www-form-urlencoded'; body = new URLSearchParams(options.form).toString(); }
    const query = Object.entries(options.query ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]);
    const url = this.httpUrl + path + (query.length ? `?${new URLSearchParams(query)}` : '');
    const response = await this.fetch(url, { method, headers, body });
    const text = await response.text();
    let parsed = null;
    if (text) { try { parsed = JSON.parse(text); } catch { parsed = text; } }
    const ok = options.expect === undefined ? response.status >= 200 && response.status < 300 : response.status === options.expect;
    if (!ok) throw new AxpsimError(method, path, response.status, parsed);
    return parsed;
  }

  // ---- Back end (what a customer's token back end calls) -----------------------------------------

  /** An OAuth access token (client credentials). @param {Tenant} tenant @returns {Promise<string>} */
  async accessToken(tenant) {
    const answer = await this.request('POST', `/auth/realms/${tenant.accountId}/protocol/openid-connect/token`, {
      headers: { appkey: tenant.appKey },
      form: { grant_type: 'client_credentials', client_id: tenant.clientId, client_secret: tenant.clientSecret },
    });
    return answer.access_token;
  }

  /**
   * A chat JWT for a customer (Generate JWT Token), as a token back end mints it for its page.
   * @param {Tenant} tenant
   * @param {{customerId: string, customerName?: string, ttlSeconds?: number, integrationId?: string, accessToken?: string}} body
   * @returns {Promise<{jwtToken: string, expiresAt: string}>}
   */
  async mintChatJwt(tenant, body) {
    const { accessToken, ...rest } = body;
    const token = accessToken ?? await this.accessToken(tenant);
    return this.request('POST', `/api/digital/chat/v1/accounts/${tenant.accountId}/tokens`, {
      headers: { authorization: `Bearer ${token}`, appkey: tenant.appKey },
      json: { integrationId: tenant.integrationId, ...rest }, expect: 201,
    });
  }

  // ---- Provisioning ----------------------------------------------------------------------------

  /**
   * A new isolated account with one OAuth client, one app key and one integration (named `support`
   * unless `integration.name` says otherwise): what one test needs so that it touches no other test.
   * @param {{name?: string, integration?: Record<string, unknown>}} [options]
   * @returns {Promise<Tenant>}
   */
  async provisionTenant(options = {}) {
    const account = await this.request('POST', '/__sim/accounts', { json: { name: options.name ?? 'test' }, expect: 201 });
    const a = account.accountId;
    const client = await this.request('POST', `/__sim/accounts/${a}/clients`, { json: {}, expect: 201 });
    const key = await this.request('POST', `/__sim/accounts/${a}/appkeys`, { json: {}, expect: 201 });
    const integration = await this.request('POST', `/__sim/accounts/${a}/integrations`,
      { json: { name: 'support', ...(options.integration ?? {}) }, expect: 201 });
    return { accountId: a, clientId: client.clientId, clientSecret: client.clientSecret, appKey: key.appKey,
      integrationId: integration.integrationId };
  }

  /** Changes the tenant's integration (PATCH), e.g. `{scenario: 'happy-path'}`. @param {Tenant} tenant @param {Record<string, unknown>} fields */
  updateIntegration(tenant, fields) {
    return this.request('PATCH', `/__sim/accounts/${tenant.accountId}/integrations/${tenant.integrationId}`, { json: fields });
  }

  /** Everything back to the loaded fixtures (provisioned accounts go). */
  reset() { return this.request('POST', '/__sim/reset'); }

  /** One account back to its fixture state (or emptied), leaving other accounts alone. @param {string} accountId */
  resetAccount(accountId) { return this.request('POST', `/__sim/accounts/${accountId}/reset`); }

  /** `GET /__sim/health`. */
  health() { return this.request('GET', '/__sim/health'); }

  // ---- Agents (the contact center's side of a chat) ---------------------------------------------

  /**
   * An agent (or BOT / SUPERVISOR) joins the chat. @param {string} engagementId
   * @param {{displayName?: string, participantType?: string}} [options]
   * @returns {Promise<{participantId: string, displayName: string, participantType: string}>}
   */
  agentJoin(engagementId, options = {}) {
    return this.request('POST', `/__sim/engagements/${engagementId}/agent/join`,
      { json: { displayName: 'Agent', ...options }, expect: 201 });
  }

  /** The agent (the latest joined, or `participantId`) sends text. @param {string} engagementId @param {string} text @param {{participantId?: string}} [options] */
  agentSay(engagementId, text, options = {}) {
    return this.request('POST', `/__sim/engagements/${engagementId}/agent/message`, { json: { text, ...options }, expect: 201 });
  }

  /** The agent is typing. @param {string} engagementId @param {{participantId?: string}} [options] */
  agentTyping(engagementId, options = {}) {
    return this.request('POST', `/__sim/engagements/${engagementId}/agent/typing`, { json: options });
  }

  /** The agent leaves the chat. @param {string} engagementId @param {{participantId?: string}} [options] */
  agentLeave(engagementId, options = {}) {
    return this.request('POST', `/__sim/engagements/${engagementId}/agent/leave`, { json: options });
  }

  /** The contact center ends the chat. @param {string} engagementId @param {{reason?: string}} [options] */
  endChat(engagementId, options = {}) {
    return this.request('POST', `/__sim/engagements/${engagementId}/end`, { json: options });
  }

  /** The chat as the control plane shows it. @param {string} engagementId */
  engagement(engagementId) { return this.request('GET', `/__sim/engagements/${engagementId}`); }

  /** The chats of an account, or of one customer. @param {string} accountId @param {{customerId?: string}} [options] */
  engagements(accountId, options = {}) {
    return this.request('GET', `/__sim/accounts/${accountId}/engagements`, { query: { customerId: options.customerId } });
  }

  /** The chat's messages as the agent side stores them, oldest first. @param {string} engagementId */
  async messages(engagementId) { return (await this.request('GET', `/__sim/engagements/${engagementId}/messages`)).messages; }

  // ---- Routing (SPEC section 10) ---------------------------------------------------------------

  /** The account's routing queues with their agents. @param {string} accountId @returns {Promise<object[]>} */
  async queues(accountId) { return (await this.request('GET', `/__sim/accounts/${accountId}/queues`)).queues; }

  /** A new queue. @param {string} accountId @param {object} queue @returns {Promise<object>} */
  createQueue(accountId, queue) { return this.request('POST', `/__sim/accounts/${accountId}/queues`, { json: queue, expect: 201 }); }

  /** The queue with its waiting chats (position, waited time) and its agents' load. @param {string} accountId @param {string} queueId */
  queue(accountId, queueId) { return this.request('GET', `/__sim/accounts/${accountId}/queues/${encodeURIComponent(queueId)}`); }

  /**
   * Makes a queue's agent `available` (it takes waiting chats at once) or `away`.
   * @param {string} accountId @param {string} queueId @param {string} agentId @param {'available'|'away'} state
   */
  setAgentState(accountId, queueId, agentId, state) {
    return this.request('POST', `/__sim/accounts/${accountId}/queues/${encodeURIComponent(queueId)}/agents/${encodeURIComponent(agentId)}/state`,
      { json: { state } });
  }

  /** Where routing sent a chat (null before routing). @param {string} engagementId @returns {Promise<Routing|null>} */
  async routing(engagementId) { return (await this.engagement(engagementId)).routing; }

  // ---- Clock -----------------------------------------------------------------------------------

  /** Freezes the account's clock (virtual) at `now` or the current instant. @param {string} accountId @param {{now?: string}} [options] @returns {Promise<{mode: string, now: string}>} */
  freezeClock(accountId, options = {}) {
    return this.request('PUT', `/__sim/accounts/${accountId}/clock`, { json: { mode: 'virtual', ...options } });
  }

  /** Back to real time. @param {string} accountId */
  realClock(accountId) { return this.request('PUT', `/__sim/accounts/${accountId}/clock`, { json: { mode: 'real' } }); }

  /** @param {string} accountId @returns {Promise<{mode: string, now: string}>} */
  clock(accountId) { return this.request('GET', `/__sim/accounts/${accountId}/clock`); }

  /**
   * Moves a virtual clock forward; resolves once every timer that fell due has fired and what it caused is stored.
   * @param {string} accountId @param {number} seconds @returns {Promise<{mode: string, now: string, fired: number}>}
   */
  advanceClock(accountId, seconds) {
    return this.request('POST', `/__sim/accounts/${accountId}/clock/advance`, { json: { seconds } });
  }

  // ---- Scenarios -------------------------------------------------------------------------------

  /**
   * Runs a loaded scenario: on a live chat (`engagementId`) or headless (`integrationId`, or neither).
   * @param {string} name @param {{engagementId?: string, integrationId?: string}} [target] @returns {Promise<ScenarioRun>}
   */
  runScenario(name, target = {}) {
    return this.request('POST', `/__sim/scenarios/${encodeURIComponent(name)}/run`, { json: target, expect: 201 });
  }

  /** @param {string} runId @returns {Promise<ScenarioRun>} */
  scenarioRun(runId) { return this.request('GET', `/__sim/scenario-runs/${runId}`); }

  /**
   * Waits (bounded) until a run is no longer `running` (or has `status`); returns the run.
   * On a virtual clock advance the clock first: a run waiting on time never finishes by itself.
   * @param {string} runId @param {{status?: string, timeoutMs?: number, intervalMs?: number}} [options] @returns {Promise<ScenarioRun>}
   */
  async waitForRun(runId, options = {}) {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const run = await this.scenarioRun(runId);
      if (options.status ? run.status === options.status : run.status !== 'running') return run;
      if (Date.now() > deadline) throw new Error(`scenario run ${runId} is ${run.status}, not ${options.status ?? 'finished'}, after ${options.timeoutMs ?? 10_000} ms`);
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 25));
    }
  }

  // ---- Faults ----------------------------------------------------------------------------------

  /** Replaces every fault rule. @param {FaultRule[]} rules */
  setFaults(rules) { return this.request('PUT', '/__sim/faults', { json: { rules } }); }

  /** Removes every fault rule. */
  clearFaults() { return this.request('DELETE', '/__sim/faults'); }

  /** @returns {Promise<{rules: FaultRule[]}>} */
  faults() { return this.request('GET', '/__sim/faults'); }

  // ---- Journal ---------------------------------------------------------------------------------

  /**
   * Journal entries after `sinceId`, long-polling up to `wait` whole seconds for one.
   * @param {{accountId?: string, sinceId?: number, wait?: number}} [options] @returns {Promise<{events: JournalEntry[], lastId: number}>}
   */
  events(options = {}) {
    return this.request('GET', '/__sim/events', { query: { accountId: options.accountId, sinceId: options.sinceId ?? 0, wait: options.wait ?? 0 } });
  }

  /**
   * The first journal entry after `sinceId` (default 0: the whole journal) that `predicate` accepts,
   * waiting for it with the journal's long poll; rejects after `timeoutMs` (default 10 s; the last
   * poll may hold up to a second longer: the long poll counts whole seconds).
   * @param {(entry: JournalEntry) => boolean} predicate
   * @param {{accountId?: string, sinceId?: number, timeoutMs?: number}} [options] @returns {Promise<JournalEntry>}
   */
  async waitForEvent(predicate, options = {}) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    let sinceId = options.sinceId ?? 0;
    for (;;) {
      const left = deadline - Date.now();
      const { events, lastId } = await this.events({ accountId: options.accountId, sinceId, wait: Math.max(0, Math.min(5, Math.ceil(left / 1000))) });
      const found = events.find(predicate);
      if (found) return found;
      sinceId = Math.max(sinceId, lastId ?? sinceId);
      if (Date.now() >= deadline) throw new Error(`no journal event matched within ${timeoutMs} ms (after id ${sinceId})`);
    }
  }

  // ---- Customers -------------------------------------------------------------------------------

  /**
   * A chat customer (one SDK instance) speaking the Chat SDK protocol over fetch: what the page under test does.
   * @param {Tenant} tenant @param {{customerId: string, customerName?: string, ttlSeconds?: number}} options
   * @returns {Promise<ChatCustomer>}
   */
  async customer(tenant, options) {
    const { jwtToken } = await this.mintChatJwt(tenant, options);
    return new ChatCustomer(this, tenant, jwtToken);
  }
}

/** One customer device on the Chat SDK API: its JWT, session and event cursor. */
export class ChatCustomer {
  /** @param {AxpsimClient} client @param {Tenant} tenant @param {string} jwt */
  constructor(client, tenant, jwt) {
    this.client = client;
    this.tenant = tenant;
    this.jwt = jwt;
    /** @type {string | undefined} */
    this.sessionId = undefined;
    /** @type {string | undefined} */
    this.lastEventId = undefined;
  }

  /** @param {string} method @param {string} path @param {unknown} [json] @param {Record<string, string|number|undefined>} [query] */
  call(method, path, json, query) {
    return this.client.request(method, `/sdk/digital/chat/v1/integrations/${this.tenant.integrationId}${path}`,
      { json, query, headers: { authorization: `Bearer ${this.jwt}`, appkey: this.tenant.appKey } });
  }

  /** Opens the SDK session. @param {{displayName?: string}} [options] */
  async startSession(options = {}) {
    const session = await this.call('POST', '/sessions', { displayName: options.displayName, clientType: 'web', sessionParameters: {} });
    this.sessionId = session.sessionId;
    return session;
  }

  /** Starts a chat; returns `{engagementId, dialogId, engagement}`. @param {Record<string, string>} [parameters] */
  async startChat(parameters = {}) {
    const engagement = await this.call('POST', '/engagements', { sessionId: this.sessionId, engagementParameters: parameters });
    return { engagementId: engagement.engagementId, dialogId: engagement.dialogs[0].dialogId, engagement };
  }

  /** Sends text in a chat. @param {{engagementId: string, dialogId: string}} chat @param {string} text */
  say(chat, text) {
    return this.call('POST', `/engagements/${chat.engagementId}/messages`, {
      dialogId: chat.dialogId, sessionId: this.sessionId,
      body: { elementType: 'TEXT', elementText: { text, textFormat: 'PLAINTEXT' } },
    });
  }

  /** Leaves a chat. @param {{engagementId: string, dialogId: string}} chat */
  disconnect(chat) {
    return this.call('POST', `/engagements/${chat.engagementId}:disconnect`, { dialogId: chat.dialogId, sessionId: this.sessionId });
  }

  /** One long poll of the session's events after the last one seen (wait: seconds, default 0). @param {{wait?: number}} [options] @returns {Promise<any[]>} */
  async poll(options = {}) {
    const events = await this.call('GET', `/sessions/${this.sessionId}/events`, undefined,
      { waitSeconds: options.wait ?? 0, lastEventId: this.lastEventId });
    if (events.length) this.lastEventId = events[events.length - 1].eventId;
    return events;
  }

  /** Ends the SDK session. */
  shutdown() { return this.call('DELETE', `/sessions/${this.sessionId}`); }
}
