// Types of axpsim.mjs (hand-written; keep in step with the module).

/** An account as a token back end sees it: ids, credentials and the integration its chats use. */
export interface Tenant {
  accountId: string;
  clientId: string;
  clientSecret: string;
  appKey: string;
  integrationId: string;
}

/** The bundled fixture accounts (fixtures/accounts.yaml). */
export const RETAIL: Readonly<Tenant>;
export const BANK: Readonly<Tenant>;

/** One entry of the control plane's journal (`GET /__sim/events`): the event and where it went. */
export interface JournalEntry {
  id: number;
  accountId: string;
  sessionId?: string;
  engagementId?: string;
  eventId: string;
  eventType: string;
  createdAt: string;
  /** The event exactly as the session received it (MESSAGE events carry `message`). */
  event: Record<string, any>;
  [key: string]: unknown;
}

export interface ScenarioStep {
  kind: string;
  line: number;
  status: 'done' | 'waiting' | 'matched' | 'timedOut' | 'failed' | 'skipped' | string;
  detail?: string;
  at?: string;
  elapsedSeconds?: number;
}

export interface ScenarioRun {
  runId: string;
  scenario: string;
  status: 'running' | 'passed' | 'failed' | 'cancelled';
  role: 'agent' | 'customer' | string;
  accountId: string;
  integrationId?: string;
  engagementId?: string | null;
  childRunId?: string | null;
  failure: string | null;
  steps: ScenarioStep[];
  [key: string]: unknown;
}

export interface FaultRule {
  match: { method?: string; path?: string; event?: string };
  action: { delayMs?: number; status?: number; drop?: boolean; closeSocket?: boolean };
  probability?: number;
  seed?: number;
  count?: number | null;
}

export interface StartOptions {
  /** The binary (default: $AXPSIM_BIN, else `axpsim` on PATH). */
  bin?: string;
  /** `--fixtures` folder (default: the binary's: ./fixtures, else the bundled ones). */
  fixtures?: string;
  /** `--scenarios` folder. */
  scenarios?: string;
  /** `--db` (default `:memory:`). */
  db?: string;
  /** `--log-level` (default `warning`). */
  logLevel?: string;
  /** More `serve` arguments. */
  args?: string[];
  /** More environment variables (added to this process's). */
  env?: Record<string, string>;
  cwd?: string;
  /** How long to wait for the ready file (default 30000). */
  timeoutMs?: number;
}

export interface ClientOptions {
  /** Sent as `Authorization: Bearer` on /__sim calls (a server started with --control-token). */
  controlToken?: string;
  fetch?: typeof fetch;
}

export interface RunningAxpsim {
  httpUrl: string;
  wsUrl: string;
  pid: number;
  /** The last few KB of the server's stdout/stderr. */
  readonly output: string;
  client(options?: ClientOptions): AxpsimClient;
  /** SIGTERM, then waits for the exit (SIGKILL after `timeoutMs`, default 15000); resolves to the exit code. */
  stop(options?: { timeoutMs?: number }): Promise<number | null>;
}

/** Starts `axpsim serve` on free loopback ports (Node only). */
export function startAxpsim(options?: StartOptions): Promise<RunningAxpsim>;

export class AxpsimError extends Error {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

export interface RequestOptions {
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  /** The status to expect (default: any 2xx); otherwise AxpsimError. */
  expect?: number;
}

export interface Chat {
  engagementId: string;
  dialogId: string;
  engagement: Record<string, any>;
}

export class AxpsimClient {
  constructor(httpUrl: string, options?: ClientOptions);
  readonly httpUrl: string;
  request(method: string, path: string, options?: RequestOptions): Promise<any>;

  accessToken(tenant: Tenant): Promise<string>;
  mintChatJwt(tenant: Tenant, body: { customerId: string; customerName?: string; ttlSeconds?: number; integrationId?: string; accessToken?: string; [field: string]: unknown }): Promise<{ jwtToken: string; expiresAt: string }>;

  provisionTenant(options?: { name?: string; integration?: Record<string, unknown> }): Promise<Tenant>;
  updateIntegration(tenant: Tenant, fields: Record<string, unknown>): Promise<any>;
  reset(): Promise<any>;
  resetAccount(accountId: string): Promise<any>;
  health(): Promise<any>;

  agentJoin(engagementId: string, options?: { displayName?: string; participantType?: string }): Promise<{ participantId: string; displayName: string; participantType: string; [key: string]: unknown }>;
  agentSay(engagementId: string, text: string, options?: { participantId?: string }): Promise<any>;
  agentTyping(engagementId: string, options?: { participantId?: string }): Promise<any>;
  agentLeave(engagementId: string, options?: { participantId?: string }): Promise<any>;
  endChat(engagementId: string, options?: { reason?: string }): Promise<any>;
  engagement(engagementId: string): Promise<any>;
  engagements(accountId: string, options?: { customerId?: string }): Promise<{ engagements: Array<Record<string, any>> }>;
  messages(engagementId: string): Promise<Array<Record<string, any>>>;

  queues(accountId: string): Promise<Array<Record<string, unknown>>>;
  createQueue(accountId: string, queue: Record<string, unknown>): Promise<Record<string, unknown>>;
  queue(accountId: string, queueId: string): Promise<{ queue: Record<string, unknown>; waiting: Array<{ engagementId: string; position: number; waitedSeconds: number; estimatedWaitSeconds?: number }>; engaged: Array<Record<string, unknown>>; agents: Array<{ agentId: string; displayName: string; state: 'available' | 'away'; capacity: number; load: number }> }>;
  setAgentState(accountId: string, queueId: string, agentId: string, state: 'available' | 'away'): Promise<Record<string, unknown>>;
  routing(engagementId: string): Promise<Routing | null>;
  freezeClock(accountId: string, options?: { now?: string }): Promise<{ mode: string; now: string }>;
  realClock(accountId: string): Promise<{ mode: string; now: string }>;
  clock(accountId: string): Promise<{ mode: string; now: string }>;
  advanceClock(accountId: string, seconds: number): Promise<{ mode: string; now: string; fired: number }>;

  runScenario(name: string, target?: { engagementId?: string; integrationId?: string }): Promise<ScenarioRun>;
  scenarioRun(runId: string): Promise<ScenarioRun>;
  waitForRun(runId: string, options?: { status?: string; timeoutMs?: number; intervalMs?: number }): Promise<ScenarioRun>;

  setFaults(rules: FaultRule[]): Promise<{ rules: FaultRule[] }>;
  clearFaults(): Promise<null>;
  faults(): Promise<{ rules: FaultRule[] }>;

  events(options?: { accountId?: string; sinceId?: number; wait?: number }): Promise<{ events: JournalEntry[]; lastId: number }>;
  waitForEvent(predicate: (entry: JournalEntry) => boolean, options?: { accountId?: string; sinceId?: number; timeoutMs?: number }): Promise<JournalEntry>;

  customer(tenant: Tenant, options: { customerId: string; customerName?: string; ttlSeconds?: number }): Promise<ChatCustomer>;
}

export class ChatCustomer {
  constructor(client: AxpsimClient, tenant: Tenant, jwt: string);
  readonly jwt: string;
  sessionId: string | undefined;
  lastEventId: string | undefined;
  call(method: string, path: string, json?: unknown, query?: Record<string, string | number | undefined>): Promise<any>;
  startSession(options?: { displayName?: string }): Promise<any>;
  startChat(parameters?: Record<string, string>): Promise<Chat>;
  say(chat: Chat, text: string): Promise<any>;
  disconnect(chat: Chat): Promise<any>;
  poll(options?: { wait?: number }): Promise<any[]>;
  shutdown(): Promise<any>;
}

/** Where routing sent a chat (SPEC section 10). */
export interface Routing {
  rule: string | null;
  queue: string | null;
  routingAttributes: Record<string, string>;
  scenario: string | null;
  overflowQueue?: string;
  overflowedFrom?: string;
}
