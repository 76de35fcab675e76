// The bot's only way into ITFlow: typed reads and writes of contacts, clients and locations, with
// ITFlow's quirks (string booleans, "False" for nothing found, update.php's data-loss traps) handled
// here and nowhere else. Every failure is an ItflowError; the API key never reaches a log line, an
// error or anything an error points to.
import type { Client, Contact, ContactDraft, Location } from "../contacts/types.js";
import { type Logger, registerSecret, scrubSecrets, silentLogger } from "../log.js";
import { decodeEnvelope, type Envelope, expectWritten, insertIdOf, parseRows, rowsOf } from "./decode.js";
import { ItflowError } from "./errors.js";
import { unsavedFields } from "./normalise.js";
import { checkPage, collectPages, type Page } from "./paging.js";
import { checkPinInRows, type PinCheck } from "./pin.js";
import { withRetries } from "./retry.js";
import { Transport } from "./transport.js";
import { clientRowSchema, contactRowSchema, draftToWire, locationRowSchema } from "./wire.js";

export type { Page } from "./paging.js";

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

function describe(contact: Contact): string {
  return `${contact.name || "the contact"} (#${contact.id})`;
}

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

  async getContact(id: number): Promise<Contact | null> {
    if (!validId(id)) return null;
    const rows = await this.readContacts({ contact_id: String(id) });
    return rows.find((c) => c.id === id) ?? null;
  }

  /**
   * Reads contact `id` afresh and checks what a caller said against its PIN (pin.ts, the only
   * code that reads it). The answer holds the contact and match / no match / no PIN, never the PIN.
   */
  async verifyPin(id: number, attempt: string): Promise<PinCheck | null> {
    if (!validId(id)) return null;
    return checkPinInRows(await this.read("contacts", { contact_id: String(id) }), id, attempt);
  }

  /** Exact, case-insensitive match; one row per client holding the address. */
  async findContactsByEmail(email: string): Promise<Contact[]> {
    const trimmed = email.trim();
    // An empty value would match every contact whose email was blanked.
    if (trimmed === "") return [];
    return this.readContacts({ contact_email: trimmed });
  }

  /** Exact match on stored digits, phone or mobile; ITFlow returns at most one row (LIMIT 1). */
  async findContactsByPhone(digits: string): Promise<Contact[]> {
    // An empty value matches every contact with a blank phone; anything but digits never matches.
    if (!/^\d+$/.test(digits)) return [];
    return this.readContacts({ contact_phone_or_mobile: digits });
  }

  async listContacts(page: Page): Promise<Contact[]> {
    checkPage(page);
    return this.readContacts({ limit: String(page.limit), offset: String(page.offset) });
  }

  async listAllContacts(pageSize: number, onPage?: (rows: Contact[]) => void): Promise<Contact[]> {
    return collectPages(pageSize, (page) => this.listContacts(page), onPage);
  }

  // ---- contacts: writes

  /** Creates the contact under `clientId` and returns its new id. */
  async createContact(clientId: number, draft: ContactDraft): Promise<number> {
    const envelope = await this.write("create", { ...draftToWire(draft), client_id: clientId });
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
   * no-change updates are "True"), so the read-back decides.
   */
  async updateContact(contactId: number, draft: ContactDraft): Promise<{ before: Contact; after: Contact }> {
    const before = await this.getContact(contactId);
    if (!before) {
      throw new ItflowError("rejected", `ITFlow has no contact #${contactId}: the contact no longer exists.`);
    }
    const envelope = await this.write("update", {
      ...draftToWire(draft),
      contact_id: before.id,
      client_id: before.clientId,
    });
    const after = await this.readBack(contactId);
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
    if (after.clientId !== before.clientId || unsaved.length > 0) {
      const fields = unsaved.map((k) => FIELD_LABELS[k]).join(", ") || "client";
      this.log.warn(
        { contactId, said: envelope.success ? "True" : "False", unsaved },
        "ITFlow did not save an update",
      );
      throw new ItflowError(
        "rejected",
        `ITFlow did not save the change to ${describe(before)}: its ${fields} still differ from what was sent.`,
        { status: 200, ...itflowMessage },
      );
    }
    return { before, after };
  }

  async archiveContact(contact: Contact): Promise<void> {
    const envelope = await this.write("archive", { contact_id: contact.id, client_id: contact.clientId });
    expectWritten(
      envelope,
      `ITFlow did not archive ${describe(contact)}. It answers this way when the contact is already archived or no longer exists.`,
    );
  }

  async unarchiveContact(contact: Contact): Promise<void> {
    const envelope = await this.write("unarchive", { contact_id: contact.id, client_id: contact.clientId });
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
  async probeWriteAccess(clientId: number): Promise<"allowed" | "forbidden"> {
    let envelope: Envelope;
    try {
      envelope = await this.write("create", { client_id: clientId });
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

  async listClients(page: Page): Promise<Client[]> {
    checkPage(page);
    const rows = await this.read("clients", { limit: String(page.limit), offset: String(page.offset) });
    return parseRows(clientRowSchema, rows, "client");
  }

  async listAllClients(pageSize: number): Promise<Client[]> {
    return collectPages(pageSize, (page) => this.listClients(page));
  }

  /** Exact, case-insensitive name match (ITFlow has no partial search). */
  async findClientsByName(name: string): Promise<Client[]> {
    const trimmed = name.trim();
    if (trimmed === "") return [];
    const rows = await this.read("clients", { client_name: trimmed });
    return parseRows(clientRowSchema, rows, "client");
  }

  async listLocations(page: Page): Promise<Location[]> {
    checkPage(page);
    const rows = await this.read("locations", { limit: String(page.limit), offset: String(page.offset) });
    return parseRows(locationRowSchema, rows, "location");
  }

  async listAllLocations(pageSize: number): Promise<Location[]> {
    return collectPages(pageSize, (page) => this.listLocations(page));
  }

  async getLocation(id: number): Promise<Location | null> {
    if (!validId(id)) return null;
    const rows = await this.read("locations", { location_id: String(id) });
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

  /** The contact after a write: if that read fails, the user must know the write may have landed. */
  private async readBack(contactId: number): Promise<Contact | null> {
    try {
      return await this.getContact(contactId);
    } catch (err) {
      if (!(err instanceof ItflowError)) throw err;
      throw new ItflowError(
        err.kind,
        `${err.message} This happened while checking the change, which may have been saved: look at the contact in ITFlow before trying again.`,
        {
          ...(err.status === undefined ? {} : { status: err.status }),
          ...(err.itflowMessage === undefined ? {} : { itflowMessage: err.itflowMessage }),
        },
      );
    }
  }

  private async readContacts(params: Record<string, string>): Promise<Contact[]> {
    return parseRows(contactRowSchema, await this.read("contacts", params), "contact");
  }

  /** GET with the key in the query, retried when the failure may pass. */
  private async read(resource: Resource, params: Record<string, string>): Promise<unknown[]> {
    const endpoint = `${resource}/read.php`;
    // URLSearchParams percent-encodes everything that needs it, '+' included (as %2B).
    const query = new URLSearchParams({ ...params, api_key: this.#apiKey });
    return withRetries(
      endpoint,
      {
        retries: this.readRetries,
        baseDelayMs: this.retryBaseDelayMs,
        shouldStop: () => this.transport.isClosed,
      },
      this.log,
      async () => {
        const res = await this.transport.send({ method: "GET", endpoint, query });
        return rowsOf(this.decode(res.status, res.body, "read"));
      },
    );
  }

  /** POST with the key in the JSON body, sent exactly once. */
  private async write(op: WriteOp, fields: Record<string, string | number>): Promise<Envelope> {
    const endpoint = `contacts/${op}.php`;
    const body = JSON.stringify({ api_key: this.#apiKey, ...fields });
    const res = await this.transport.send({ method: "POST", endpoint, body });
    return this.decode(res.status, res.body, "write");
  }
}
