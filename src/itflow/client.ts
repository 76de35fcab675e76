// The bot's only way into ITFlow: typed reads and writes of contacts, clients and locations, with
// ITFlow's quirks (string booleans, "False" for nothing found, update.php's data-loss traps) handled
// here and nowhere else. Every failure is an ItflowError; the API key never reaches a log line, an
// error or anything an error points to.
import type { Client, Contact, ContactDraft, Location } from "../contacts/types.js";
import { type Logger, registerSecret, scrubSecrets, silentLogger } from "../log.js";
import { type CallOptions, formatDuration } from "./deadline.js";
import {
  decodeEnvelope,
  type Envelope,
  expectWritten,
  insertIdOf,
  parseRows,
  parseWith,
  rowsOf,
} from "./decode.js";
import { ItflowError } from "./errors.js";
import { changedFields, unsavedFields } from "./normalise.js";
import { checkPage, collectPages, type Page, type PagingOptions } from "./paging.js";
import { checkPinInRows, type PinCheck } from "./pin.js";
import { withRetries } from "./retry.js";
import { Transport } from "./transport.js";
import {
  clientRowSchema,
  contactPageSchema,
  contactRowSchema,
  draftToWire,
  locationRowSchema,
} from "./wire.js";

export type { Page, PagingOptions } from "./paging.js";

export interface ItflowClientOptions {
  /** e.g. "https://itflow.example.com" or with a path prefix; the API is at {baseUrl}/api/v1/. */
  baseUrl: string;
  apiKey: string;
  /** Deadline for one attempt, connect to last byte. */
  timeoutMs: number;
  connectTimeoutMs?: number;
  /** Keep-alive connections to ITFlow (default 10). */
  connections?: number;
  /** Extra attempts for a read that failed in a way that may pass (default 2). Writes never repeat. */
  readRetries?: number;
  /** First backoff step, doubled per retry with full jitter (default 100). */
  retryBaseDelayMs?: number;
  logger?: Logger;
}

type Resource = "contacts" | "clients" | "locations";
type WriteOp = "create" | "update" | "archive" | "unarchive";

// The largest answer worth reading, by how many rows were asked for. A contact row at its largest
// holds 65,535 bytes of notes, which JSON-escaping can triple, every value repeated under numeric
// keys up to 26.01: 512 KB is far above any real row, and still caps a lying answer to one lookup.
const ENVELOPE_BYTES = 64 * 1024;
const ROW_BYTES = 512 * 1024;
// An email address exists once per client holding it; more than this many clients sharing one
// address (each with notes near the maximum) is not a directory a lookup should read through.
const EMAIL_ROWS = 16;
// A write started with less time than this left could not be told apart from a lost one: better to
// say "nothing was sent" than "it may have been saved".
const WRITE_MIN_MS = 1000;

const FIELD_LABELS: Record<keyof ContactDraft, string> = {
  name: "name",
  title: "title",
  email: "email",
  phone: "phone",
  extension: "extension",
  mobile: "mobile",
  department: "department",
  notes: "notes",
  primary: "primary flag",
  important: "important flag",
  billing: "billing flag",
  technical: "technical flag",
  locationId: "location",
};

const validId = (id: number) => Number.isSafeInteger(id) && id > 0;

// Ids, never names, in messages: they are logged as well as shown.
function describe(contact: Contact): string {
  return `contact #${contact.id}`;
}

/** How MySQL's default collation compares an email: case, accents and trailing spaces aside. */
function emailKey(email: string): string {
  return email
    .trim()
    .normalize("NFKD")
    .replace(/\p{Mn}/gu, "")
    .toLowerCase();
}

/** What a stored update or create looks like to the technician: which fields ITFlow holds differently. */
export type StoredDifferences = (keyof ContactDraft)[];

export class ItflowClient {
  private readonly transport: Transport;
  // An ES private field: util.inspect and JSON.stringify of the client cannot show it.
  readonly #apiKey: string;
  private readonly log: Logger;
  private readonly readRetries: number;
  private readonly retryBaseDelayMs: number;
  private warnedAboutPhpOutput = false;

  constructor(options: ItflowClientOptions) {
    registerSecret(options.apiKey);
    this.#apiKey = options.apiKey;
    this.log = (options.logger ?? silentLogger()).child({ component: "itflow" });
    this.readRetries = options.readRetries ?? 2;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 100;
    this.transport = new Transport({
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? options.timeoutMs,
      connections: options.connections ?? 10,
      log: this.log,
    });
  }

  // ---- contacts: reads

  // Every exact read keeps only the rows that are what was asked for: a server (or a proxy) that
  // answers with other rows must not have them shown as matches.

  async getContact(id: number, options: CallOptions = {}): Promise<Contact | null> {
    if (!validId(id)) return null;
    const rows = await this.readContacts({ contact_id: String(id) }, 1, options);
    return this.kept("id", rows, (c) => c.id === id)[0] ?? null;
  }

  /**
   * Reads contact `id` afresh and checks what a caller said against its PIN (pin.ts, the only
   * code that reads it). The answer holds the contact and match / no match / no PIN, never the PIN.
   */
  async verifyPin(id: number, attempt: string, options: CallOptions = {}): Promise<PinCheck | null> {
    if (!validId(id)) return null;
    return checkPinInRows(await this.read("contacts", { contact_id: String(id) }, 1, options), id, attempt);
  }

  /** Exact, case-insensitive match; one row per client holding the address. */
  async findContactsByEmail(email: string, options: CallOptions = {}): Promise<Contact[]> {
    const trimmed = email.trim();
    // An empty value would match every contact whose email was blanked.
    if (trimmed === "") return [];
    const rows = await this.readContacts({ contact_email: trimmed }, EMAIL_ROWS, options);
    const wanted = emailKey(trimmed);
    return this.kept("email", rows, (c) => emailKey(c.email) === wanted);
  }

  /** Exact match on stored digits, phone or mobile; ITFlow returns at most one row (LIMIT 1). */
  async findContactsByPhone(digits: string, options: CallOptions = {}): Promise<Contact[]> {
    // An empty value matches every contact with a blank phone; anything but digits never matches.
    if (!/^\d+$/.test(digits)) return [];
    const rows = await this.readContacts({ contact_phone_or_mobile: digits }, 1, options);
    return this.kept("phone", rows, (c) => c.phone.trim() === digits || c.mobile.trim() === digits);
  }

  async listContacts(page: Page, options: CallOptions = {}): Promise<Contact[]> {
    checkPage(page);
    const query = { limit: String(page.limit), offset: String(page.offset) };
    // One schema for the page, not one per row: a refresh reads 50,000 of them.
    return parseWith(contactPageSchema, await this.read("contacts", query, page.limit, options), "contact");
  }

  /** The whole list, `pageSize` rows a request; see PagingOptions for pages in flight and streaming. */
  async listAllContacts(pageSize: number, options: PagingOptions<Contact> = {}): Promise<Contact[]> {
    return collectPages(pageSize, (page) => this.listContacts(page), options);
  }

  // ---- contacts: writes

  /** Creates the contact under `clientId` and returns its new id. */
  async createContact(clientId: number, draft: ContactDraft, options: CallOptions = {}): Promise<number> {
    const envelope = await this.write("create", { ...draftToWire(draft), client_id: clientId }, options);
    expectWritten(
      envelope,
      "ITFlow refused to create the contact without saying why. Usually the email is already used by a contact of this client, or the name or email is empty.",
    );
    return insertIdOf(envelope);
  }

  /**
   * The recipe that is safe on 25.12, 26.07 and 26.08: read the contact, send every field with
   * its own client_id (a missing or wrong one blanks and moves the contact on older releases),
   * then read it back. ITFlow's "True"/"False" says little (a no-change update is "False", some
   * no-change updates are "True"), so the read-back decides: when nothing changed the update was
   * not saved (an error); otherwise it was, and `unsaved` names the fields ITFlow holds otherwise
   * than it was sent, for the technician to see.
   */
  async updateContact(
    contactId: number,
    draft: ContactDraft,
    options: CallOptions = {},
  ): Promise<{ before: Contact; after: Contact; unsaved: StoredDifferences }> {
    const before = await this.getContact(contactId, options);
    if (!before) {
      throw new ItflowError("rejected", `ITFlow has no contact #${contactId}: the contact no longer exists.`);
    }
    const envelope = await this.write(
      "update",
      { ...draftToWire(draft), contact_id: before.id, client_id: before.clientId },
      options,
    );
    const after = await this.readBack(contactId, options);
    const itflowMessage =
      envelope.success || envelope.message === undefined
        ? {}
        : { itflowMessage: scrubSecrets(envelope.message) };
    if (!after) {
      throw new ItflowError(
        "rejected",
        `ITFlow has no contact #${contactId} any more: the contact no longer exists.`,
        {
          status: 200,
          ...itflowMessage,
        },
      );
    }
    const unsaved = unsavedFields(draft, after);
    const said = envelope.success ? "True" : "False";
    if (after.clientId !== before.clientId) {
      this.log.warn(
        { contactId, said, clientId: after.clientId },
        "ITFlow moved a contact while updating it",
      );
      throw new ItflowError(
        "rejected",
        `ITFlow saved the change to ${describe(before)} but moved it to another client (#${after.clientId}): check the contact in ITFlow.`,
        { status: 200, ...itflowMessage },
      );
    }
    const changed = changedFields(before, after).length > 0;
    if (unsaved.length > 0 && !changed) {
      this.log.warn({ contactId, said, unsaved }, "ITFlow did not save an update");
      throw new ItflowError(
        "rejected",
        `ITFlow did not save the change to ${describe(before)}: it still holds what it held before (${unsaved.map((k) => FIELD_LABELS[k]).join(", ")}).`,
        { status: 200, ...itflowMessage },
      );
    }
    if (unsaved.length > 0) {
      this.log.warn({ contactId, said, unsaved }, "ITFlow stored some fields of an update differently");
    }
    return { before, after, unsaved };
  }

  async archiveContact(contact: Contact): Promise<void> {
    const envelope = await this.write("archive", { contact_id: contact.id, client_id: contact.clientId }, {});
    expectWritten(
      envelope,
      `ITFlow did not archive ${describe(contact)}. It answers this way when the contact is already archived or no longer exists.`,
    );
  }

  async unarchiveContact(contact: Contact): Promise<void> {
    const envelope = await this.write(
      "unarchive",
      { contact_id: contact.id, client_id: contact.clientId },
      {},
    );
    expectWritten(
      envelope,
      `ITFlow did not restore ${describe(contact)}. It answers this way when the contact is not archived or no longer exists.`,
    );
  }

  /**
   * Whether the key may create contacts in this client, without writing: a create with only
   * client_id is refused with 403 when the key's user lacks the right or the client, and
   * otherwise fails ITFlow's required-field check ("False").
   */
  async probeWriteAccess(clientId: number, options: CallOptions = {}): Promise<"allowed" | "forbidden"> {
    let envelope: Envelope;
    try {
      envelope = await this.write("create", { client_id: clientId }, options);
    } catch (err) {
      if (err instanceof ItflowError && err.kind === "forbidden") return "forbidden";
      throw err;
    }
    if (envelope.success) {
      this.log.warn({ clientId }, "ITFlow accepted an empty contact during the write-access probe");
    }
    return "allowed";
  }

  // ---- clients and locations

  async listClients(page: Page, options: CallOptions = {}): Promise<Client[]> {
    checkPage(page);
    const query = { limit: String(page.limit), offset: String(page.offset) };
    const rows = await this.read("clients", query, page.limit, options);
    return parseRows(clientRowSchema, rows, "client");
  }

  async listAllClients(pageSize: number): Promise<Client[]> {
    return collectPages(pageSize, (page) => this.listClients(page), { concurrency: 2 });
  }

  /** Exact, case-insensitive name match (ITFlow has no partial search). */
  async findClientsByName(name: string): Promise<Client[]> {
    const trimmed = name.trim();
    if (trimmed === "") return [];
    const rows = await this.read("clients", { client_name: trimmed }, EMAIL_ROWS, {});
    return parseRows(clientRowSchema, rows, "client");
  }

  async listLocations(page: Page): Promise<Location[]> {
    checkPage(page);
    const query = { limit: String(page.limit), offset: String(page.offset) };
    const rows = await this.read("locations", query, page.limit, {});
    return parseRows(locationRowSchema, rows, "location");
  }

  async listAllLocations(pageSize: number): Promise<Location[]> {
    return collectPages(pageSize, (page) => this.listLocations(page), { concurrency: 2 });
  }

  async getLocation(id: number, options: CallOptions = {}): Promise<Location | null> {
    if (!validId(id)) return null;
    const rows = await this.read("locations", { location_id: String(id) }, 1, options);
    return parseRows(locationRowSchema, rows, "location").find((l) => l.id === id) ?? null;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  // ---- plumbing

  private decode(status: number, body: string, mode: "read" | "write"): Envelope {
    return decodeEnvelope(status, body, {
      mode,
      log: this.log,
      onSalvaged: () => {
        if (this.warnedAboutPhpOutput) return;
        this.warnedAboutPhpOutput = true;
        this.log.warn(
          "ITFlow prints PHP warnings before its answers; they were skipped. Turn display_errors off on the ITFlow server.",
        );
      },
    });
  }

  /** Rows of an exact read that are what was asked for; the others are dropped, and counted in the log. */
  private kept(asked: "id" | "email" | "phone", rows: Contact[], matches: (c: Contact) => boolean) {
    const kept = rows.filter(matches);
    if (kept.length < rows.length) {
      this.log.warn(
        { asked, rows: rows.length, kept: kept.length },
        "ITFlow answered an exact lookup with rows that do not match it; they were dropped",
      );
    }
    return kept;
  }

  /** The contact after a write: if that read fails, the user must know the write may have landed. */
  private async readBack(contactId: number, options: CallOptions): Promise<Contact | null> {
    try {
      return await this.getContact(contactId, options);
    } catch (err) {
      if (!(err instanceof ItflowError)) throw err;
      throw new ItflowError(
        err.kind,
        `${err.message} This happened while checking the change, which may have been saved: look at the contact in ITFlow before trying again.`,
        {
          ...(err.status === undefined ? {} : { status: err.status }),
          ...(err.itflowMessage === undefined ? {} : { itflowMessage: err.itflowMessage }),
          ...(err.detail === undefined ? {} : { detail: err.detail }),
        },
      );
    }
  }

  private async readContacts(
    params: Record<string, string>,
    expectedRows: number,
    options: CallOptions,
  ): Promise<Contact[]> {
    return parseRows(contactRowSchema, await this.read("contacts", params, expectedRows, options), "contact");
  }

  /** GET with the key in the query, retried when the failure may pass and the action has time left. */
  private async read(
    resource: Resource,
    params: Record<string, string>,
    expectedRows: number,
    { deadline }: CallOptions,
  ): Promise<unknown[]> {
    const endpoint = `${resource}/read.php`;
    // URLSearchParams percent-encodes everything that needs it, '+' included (as %2B).
    const query = new URLSearchParams({ ...params, api_key: this.#apiKey });
    const maxBytes = ENVELOPE_BYTES + expectedRows * ROW_BYTES;
    return withRetries(
      endpoint,
      {
        retries: this.readRetries,
        baseDelayMs: this.retryBaseDelayMs,
        shouldStop: () => this.transport.isClosed,
        deadline,
      },
      this.log,
      async () => {
        const res = await this.transport.send({ method: "GET", endpoint, query, deadline, maxBytes });
        return rowsOf(this.decode(res.status, res.body, "read"));
      },
    );
  }

  /** POST with the key in the JSON body, sent exactly once, and only with time to hear the answer. */
  private async write(
    op: WriteOp,
    fields: Record<string, string | number>,
    { deadline }: CallOptions,
  ): Promise<Envelope> {
    if (deadline && deadline.remainingMs < WRITE_MIN_MS) {
      throw new ItflowError(
        "timeout",
        `ITFlow took ${formatDuration(deadline.elapsedMs)} to answer the checks before saving, so nothing was sent to it. Try again in a moment.`,
      );
    }
    const endpoint = `contacts/${op}.php`;
    const body = JSON.stringify({ api_key: this.#apiKey, ...fields });
    const res = await this.transport.send({
      method: "POST",
      endpoint,
      body,
      deadline,
      maxBytes: ENVELOPE_BYTES,
    });
    return this.decode(res.status, res.body, "write");
  }
}
