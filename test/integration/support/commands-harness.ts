// Shared wiring for the command-handler integration tests: the real core (ItflowClient,
// ContactDirectory, MemoryStore) against the fake ITFlow, the command handlers called exactly as an
// adapter would, and every view they return kept so a test file can check none of them leaks the
// API key or a PIN. Nothing of ours is stubbed; the fake is the only stand-in.
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { accessPolicy, type Caller } from "../../../commands/caller.js";
import type { CommandContext } from "../../../commands/context.js";
import { findContacts } from "../../../commands/find.js";
import { openCreateForm, openEditForm, type SubmitInput, submitForm } from "../../../commands/forms.js";
import {
  openVerify,
  type VerifyAuditSink,
  type VerifyInput,
  type VerifyPromptView,
  type VerifyResultView,
  verifyCaller,
} from "../../../commands/verify.js";
import type { FormValues, FormView, View } from "../../../commands/views.js";
import { ContactDirectory } from "../../../src/contacts/directory.js";
import { ItflowClient } from "../../../src/itflow/client.js";
import { type Logger, silentLogger } from "../../../src/log.js";
import { MemoryStore, type Store } from "../../../src/store.js";
import {
  type ContactRow,
  type FakeItflow,
  type FakeItflowOptions,
  type RecordedRequest,
  startFakeItflow,
} from "../../fakes/itflow/index.js";

/** A technician in Slack workspace T1; the default caller everywhere. */
export const TECH: Caller = { platform: "slack", workspaceId: "T1", userId: "U1", roleIds: [] };

export interface BotOptions {
  apiKey?: string;
  /** EDIT_ALLOW entries; empty (the default) lets everyone edit. */
  allow?: string[];
  /** VERIFY_ALLOW entries; empty (the default) lets everyone verify callers. */
  verifyAllow?: string[];
  timeoutMs?: number;
  readRetries?: number;
  /** ACTION_TIMEOUT_MS: one action's deadline, retries included (default 8000). */
  actionTimeoutMs?: number;
  /** Learn whether the key may write, as `serve` does (off by default: it sends a refused create). */
  learnWriteAccess?: boolean;
  /** How long a lookup waits for a list still loading (default 1000). */
  listPatienceMs?: number;
  /** While ITFlow rejects the key, how often a lookup asks it again (default 2000). */
  keyRecheckMs?: number;
  /** Where the bot's log lines go (default: nowhere). */
  logger?: Logger;
  dedupeTtlMs?: number;
  /** The state store; a fresh in-memory one by default (pass a shared Redis one for replicas). */
  store?: Store;
  /** Where caller verifications are posted. */
  verifyAudit?: VerifyAuditSink[];
}

type AnyView = View | VerifyPromptView | VerifyResultView;

/** The core and the command handlers, as one bot process would hold them. */
export class Bot {
  readonly ctx: CommandContext;
  readonly itflow: ItflowClient;
  readonly apiKey: string;
  /** Every view any handler returned, in order. */
  readonly views: AnyView[] = [];

  constructor(fake: FakeItflow, options: BotOptions = {}) {
    this.apiKey = options.apiKey ?? "KEY_ADMIN";
    const logger = options.logger ?? silentLogger();
    this.itflow = new ItflowClient({
      logger,
      baseUrl: fake.url,
      apiKey: this.apiKey,
      timeoutMs: options.timeoutMs ?? 3000,
      readRetries: options.readRetries ?? 0,
      retryBaseDelayMs: 1,
    });
    const store = options.store ?? new MemoryStore();
    this.ctx = {
      directory: new ContactDirectory({
        itflow: this.itflow,
        store,
        region: "US",
        refreshMs: 300_000,
        cacheTtlMs: 60_000,
        pageSize: 5,
        logger,
        ...(options.learnWriteAccess ? { checkWriteAccess: true } : {}),
        ...(options.listPatienceMs === undefined ? {} : { listPatienceMs: options.listPatienceMs }),
        ...(options.keyRecheckMs === undefined ? {} : { keyRecheckMs: options.keyRecheckMs }),
      }),
      policy: accessPolicy(options.allow ?? [], options.verifyAllow ?? []),
      store,
      region: "US",
      itflowUrl: fake.url,
      logger,
      ...(options.dedupeTtlMs === undefined ? {} : { dedupeTtlMs: options.dedupeTtlMs }),
      ...(options.verifyAudit === undefined ? {} : { verifyAudit: options.verifyAudit }),
      ...(options.actionTimeoutMs === undefined ? {} : { actionTimeoutMs: options.actionTimeoutMs }),
    };
  }

  private keep<V extends AnyView>(view: V): V {
    this.views.push(view);
    return view;
  }

  async find(query: string, options: { caller?: Caller; includeArchived?: boolean } = {}): Promise<View> {
    const input = options.includeArchived === undefined ? { query } : { query, includeArchived: true };
    return this.keep(await findContacts(this.ctx, options.caller ?? TECH, input));
  }

  async openCreate(clientName?: string, caller: Caller = TECH): Promise<View> {
    return this.keep(await openCreateForm(this.ctx, caller, clientName));
  }

  async openEdit(
    target: { contactId: number; cached?: boolean } | { query: string },
    caller: Caller = TECH,
  ): Promise<View> {
    return this.keep(await openEditForm(this.ctx, caller, target));
  }

  async submit(input: SubmitInput, caller: Caller = TECH): Promise<View> {
    return this.keep(await submitForm(this.ctx, caller, input));
  }

  async openVerify(
    target: { contactId: number } | { query: string },
    caller: Caller = TECH,
  ): Promise<VerifyPromptView | VerifyResultView | View> {
    return this.keep(await openVerify(this.ctx, caller, target));
  }

  async verify(input: VerifyInput, caller: Caller = TECH): Promise<VerifyResultView | View> {
    return this.keep(await verifyCaller(this.ctx, caller, input));
  }

  /** Opens the edit form for `query`, failing the test unless a form comes back. */
  async editForm(target: { contactId: number; cached?: boolean } | { query: string }): Promise<FormView> {
    return expectView(await this.openEdit(target), "form");
  }

  async close(): Promise<void> {
    await this.itflow.close();
  }
}

/** The view, narrowed to `kind`; the test fails with the whole view printed if it is another kind. */
export function expectView<K extends AnyView["kind"]>(view: AnyView, kind: K): Extract<AnyView, { kind: K }> {
  if (view.kind !== kind) {
    expect.fail(`expected a ${kind} view, got ${JSON.stringify(view, null, 2)}`);
  }
  return view as Extract<AnyView, { kind: K }>;
}

/** What an adapter sends back for an edit form: its values with the user's changes applied. */
export function editSubmission(
  form: FormView,
  changes: FormValues = {},
  formKey = "view-edit-1",
): SubmitInput {
  return {
    mode: "edit",
    formKey,
    contactId: form.contactId,
    version: form.version,
    clientId: form.client?.id ?? null,
    values: { ...form.values, ...changes },
  };
}

export function createSubmission(
  clientId: number | null,
  values: FormValues,
  formKey = "view-create-1",
): SubmitInput {
  return { mode: "create", formKey, contactId: null, version: null, clientId, values };
}

/** The requests that reached one endpoint, e.g. "contacts/update.php". */
export function requestsTo(fake: FakeItflow, endpoint: string): RecordedRequest[] {
  return fake.requests.filter((r) => r.path === `/api/v1/${endpoint}`);
}

/** A contact row of the fake's database, by id. */
export function rowOf(fake: FakeItflow, id: number): ContactRow | undefined {
  return fake.state.contacts.find((r) => r.contact_id === String(id));
}

/** The row with every NULL read as "" (what ITFlow writes back for a text it was sent empty). */
export function flattened(row: ContactRow | undefined): Record<string, string> {
  if (!row) throw new Error("no such contact row");
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v ?? ""]));
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Holds every request to the fake on arrival, so a test can let a sequential exchange through one
 * request at a time and decide (with fake.failNext) how the next one is answered. fake.reset()
 * releases anything still held.
 */
export class RequestGate {
  private seen: number;

  constructor(private readonly fake: FakeItflow) {
    this.seen = fake.requests.length;
    fake.hang(true);
  }

  /** Waits for the next request to arrive (it is held) and returns it. */
  async arrival(): Promise<RecordedRequest> {
    const index = this.seen;
    await until(() => this.fake.requests.length > index, `request #${index + 1} to reach the fake`);
    this.seen++;
    return this.fake.requests[index]!;
  }

  /** Lets the held requests through; later ones are held again. */
  pass(): void {
    this.fake.hang(false);
    this.fake.hang(true);
  }

  /** Lets everything through from now on. */
  open(): void {
    this.fake.hang(false);
  }
}

function keysOf(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, into);
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      keysOf(v, into);
    }
  }
  return into;
}

/** Fails the test if any view holds the API key, or a field named like an API key or a PIN. */
export function expectNothingSecret(views: readonly unknown[], apiKey: string): void {
  expect(JSON.stringify(views)).not.toContain(apiKey);
  expect([...keysOf(views)].filter((k) => /pin|api_?key|secret|token/i.test(k))).toEqual([]);
}

export interface BotsUnderTest {
  /** The fake ITFlow shared by the file's tests, reset to the seed before each test. */
  readonly fake: FakeItflow;
  /** A bot (core + command handlers) on that fake; closed after the test. */
  bot(options?: BotOptions): Bot;
}

/**
 * Registers the hooks every command-handler test file needs: one fake ITFlow for the file, reset
 * before each test, and after each test every bot closed and every view it returned checked for
 * the API key and anything named like a secret.
 */
export function useBots(fakeOptions: FakeItflowOptions = {}): BotsUnderTest {
  let fake: FakeItflow | undefined;
  let bots: Bot[] = [];
  beforeAll(async () => {
    fake = await startFakeItflow(fakeOptions);
  });
  beforeEach(() => {
    fake?.reset();
  });
  afterEach(async () => {
    for (const b of bots) expectNothingSecret(b.views, b.apiKey);
    await Promise.all(bots.map((b) => b.close()));
    bots = [];
  });
  afterAll(async () => {
    await fake?.close();
  });
  return {
    get fake() {
      if (!fake) throw new Error("the fake ITFlow starts in beforeAll");
      return fake;
    },
    bot(options: BotOptions = {}) {
      const b = new Bot(this.fake, options);
      bots.push(b);
      return b;
    },
  };
}
