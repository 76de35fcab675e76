// The one place that answers "who is this?" and "save this contact": the local index first (fast,
// finds what ITFlow's exact reads cannot), ITFlow's exact reads on a miss (a contact created since
// the last refresh), and the bot's own client-scope check on every row, because ITFlow's phone read
// leaks other clients' contacts through the mobile column.
//
// It also keeps what the bot may know in step with what the API key may see: the list loads in the
// background (exact lookups ask ITFlow meanwhile), a key ITFlow rejects drops everything held in
// memory at once, a key that sees fewer clients drops their contacts, and whether the key may
// write is learned without writing and re-checked with every refresh.
import { createHash } from "node:crypto";
import type { Keyv } from "keyv";
import type { CountryCode } from "libphonenumber-js";
import type { CallOptions, Deadline } from "../itflow/deadline.js";
import { ItflowError } from "../itflow/errors.js";
import { unsavedFields } from "../itflow/normalise.js";
import type { PagingOptions } from "../itflow/paging.js";
import type { PinCheck } from "../itflow/pin.js";
import type { Logger } from "../log.js";
import type { Store } from "../store.js";
import { ContactIndex, IndexBuilder, type IndexHit, type MatchKind, sameContact } from "./contact-index.js";
import { CONTACT_FIELDS, diffDrafts, type FieldChange, fieldSpec, type StoredDifference } from "./fields.js";
import { parsePhoneQuery, phoneKeys } from "./phone.js";
import type { Query } from "./query.js";
import { normalizeForSearch } from "./text.js";
import type { Client, Contact, ContactDraft, Location } from "./types.js";

/** What the directory needs from ITFlow; `ItflowClient` provides it. */
export interface ItflowApi {
  getContact(id: number, options?: CallOptions): Promise<Contact | null>;
  /** Reads the contact afresh and compares `attempt` with its PIN; never returns the PIN. */
  verifyPin(id: number, attempt: string, options?: CallOptions): Promise<PinCheck | null>;
  findContactsByEmail(email: string, options?: CallOptions): Promise<Contact[]>;
  findContactsByPhone(digits: string, options?: CallOptions): Promise<Contact[]>;
  listAllContacts(pageSize: number, options?: PagingOptions<Contact>): Promise<Contact[]>;
  listClients(page: { limit: number; offset: number }, options?: CallOptions): Promise<Client[]>;
  listContacts(page: { limit: number; offset: number }, options?: CallOptions): Promise<Contact[]>;
  listAllClients(pageSize: number): Promise<Client[]>;
  listAllLocations(pageSize: number): Promise<Location[]>;
  getLocation(id: number, options?: CallOptions): Promise<Location | null>;
  createContact(clientId: number, draft: ContactDraft, options?: CallOptions): Promise<number>;
  updateContact(
    contactId: number,
    draft: ContactDraft,
    options?: CallOptions,
  ): Promise<{ before: Contact; after: Contact; unsaved: (keyof ContactDraft)[] }>;
  probeWriteAccess(clientId: number, options?: CallOptions): Promise<"allowed" | "forbidden">;
}

export type { CallOptions } from "../itflow/deadline.js";

export interface DirectoryOptions {
  itflow: ItflowApi;
  store: Store;
  region: CountryCode;
  /** How old the full list may get before a background refresh starts. */
  refreshMs: number;
  /** How long exact ITFlow reads (email, phone, id) are cached. */
  cacheTtlMs: number;
  pageSize: number;
  logger: Logger;
  now?: () => number;
  /**
   * How long a lookup waits for a list that is still loading before it answers without it (exact
   * lookups through ITFlow, "still loading" for names). Default 1000.
   */
  listPatienceMs?: number;
  /**
   * Whether to learn if the key may write (a create ITFlow refuses for its missing fields, as
   * `itflow-contact check` does) with every list load. Off by default: tests count writes.
   */
  checkWriteAccess?: boolean;
  /** While ITFlow rejects the key, how often a lookup asks it again. Default 2000. */
  keyRecheckMs?: number;
  /** Pages of the contact list requested at once. Default PAGES_IN_FLIGHT. */
  pagesInFlight?: number;
  /** How often, between full refreshes, ITFlow is asked for contacts created since. Default TAIL_MS. */
  tailMs?: number;
  /**
   * Load the whole list only when warm() asks for it. A one-shot terminal lookup of an email, a
   * number or an id then costs ITFlow's exact reads, not 50,000 contacts.
   */
  listOnDemand?: boolean;
}

/**
 * Between full refreshes, ITFlow is asked this often for the contacts past the highest id the bot
 * has seen (its list is ordered by id): a contact created in ITFlow's web UI joins name search
 * within ~12 s, at the cost of one small read.
 */
export const TAIL_MS = 8_000;
/** Rows asked for before the end of the list seen, in case some were deleted since. */
const TAIL_OVERLAP = 20;
const TAIL_PAGE = 100;

/**
 * Pages of the contact list in flight at once: ITFlow sends the next while the bot indexes one, and
 * a real server's per-request cost (~15 ms of PHP start-up) is paid side by side. Three: with four,
 * pages that ITFlow (as fast as a real 26.08.2) sent at once waited in memory and a refresh peaked
 * at 180–190 MB; with two the start-up build took ~150 ms longer (bench rows (e) and (i)).
 */
export const PAGES_IN_FLIGHT = 3;

/**
 * Contacts changed in place (since the index was built) before it is rebuilt: every search also
 * walks those one by one, so they must stay few.
 */
const COMPACT_AFTER = 256;

export interface ContactRow {
  contact: Contact;
  client: Client;
  location: Location | null;
  match: MatchKind;
}

export interface FindOptions extends CallOptions {
  includeArchived?: boolean;
}

/** What the bot knows about the key's right to create and edit contacts. */
export type WriteAccess = "unknown" | "allowed" | "forbidden";

/** A name (or part of a number) searched before the contact list has loaded. */
export class ListLoading extends Error {
  override readonly name = "ListLoading";
  constructor() {
    super("The contact list is still loading from ITFlow.");
  }
}

interface Scope {
  clients: Map<number, Client>;
  locations: Map<number, Location>;
}

interface Snapshot extends Scope {
  index: ContactIndex;
  builtAt: number;
  /** Where the list read ended in ITFlow's id order: where a read of what came since starts. */
  end: { rows: number; maxId: number };
}

export type CreateOutcome =
  | { kind: "created"; row: ContactRow; demoted: Contact | null; differences: StoredDifference[] }
  | { kind: "duplicate"; existing: ContactRow }
  | { kind: "unknownClient" };

export type UpdateOutcome =
  | {
      kind: "updated";
      row: ContactRow;
      changes: FieldChange[];
      demoted: Contact | null;
      differences: StoredDifference[];
    }
  | { kind: "unchanged"; row: ContactRow }
  | { kind: "conflict"; row: ContactRow }
  | { kind: "duplicate"; existing: ContactRow }
  | { kind: "badLocation" }
  | { kind: "notFound" };

const DEFAULT_PATIENCE_MS = 1000;
// While ITFlow rejects the key, lookups ask it again at most this often (each asking is a read).
const KEY_RECHECK_MS = 2000;
// Between refreshes, whether ITFlow still accepts the key is asked this often (one row of
// clients), so a revoked key stops the answers from memory within a minute.
const KEY_CHECK_MS = 60_000;

// Plain code-unit order: localeCompare is ~20 times slower and a list of hundreds of names is
// sorted on every search.
function byName(a: Contact, b: Contact): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id;
}

/** The values a form edits, taken from a stored contact. */
export function draftOf(contact: Contact): ContactDraft {
  const draft = {} as Record<string, unknown>;
  for (const spec of CONTACT_FIELDS) draft[spec.key] = contact[spec.key];
  return draft as unknown as ContactDraft;
}

/**
 * A short fingerprint of everything a form shows. A form carries the fingerprint it opened with;
 * if ITFlow's copy has a different one at submit time, someone else changed the contact meanwhile.
 */
export function versionOf(contact: Contact): string {
  return createHash("sha256")
    .update(JSON.stringify([contact.clientId, draftOf(contact)]))
    .digest("base64url")
    .slice(0, 16);
}

/** Field by field, what was sent and what ITFlow holds, where they differ. */
function differencesOf(sent: ContactDraft, stored: Contact): StoredDifference[] {
  const kept = draftOf(stored);
  return unsavedFields(sent, stored).map((key) => ({
    key,
    label: fieldSpec(key).label,
    typed: sent[key],
    stored: kept[key],
  }));
}

const isAuthError = (error: unknown): error is ItflowError =>
  error instanceof ItflowError && error.kind === "auth";

/** `work`'s result if it settles within `ms`, else undefined (it goes on either way). */
async function settledWithin<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `hits` with the contacts an exact read found added, each once: an exact match when the read was
 * not by number (`digits` null) or the number is stored as typed.
 */
function withReadHits(hits: IndexHit[], found: readonly Contact[], digits: string | null): IndexHit[] {
  const seen = new Set(hits.map((h) => h.contact.id));
  for (const contact of found) {
    if (seen.has(contact.id)) continue;
    seen.add(contact.id);
    const exact = digits === null || contact.phone === digits || contact.mobile === digits;
    hits.push({ contact, match: exact ? "exact" : "number", rank: exact ? 0 : 1 });
  }
  return hits;
}

export class ContactDirectory {
  private snapshot: Snapshot | null = null;
  /** The clients and locations the key sees: loaded before the contacts, and kept with them. */
  private scope: Scope | null = null;
  private building: Promise<Snapshot> | null = null;
  private scopeLoading: Promise<Scope> | null = null;
  private clientScopeLoading: Promise<Scope> | null = null;
  /** The client list a one-shot lookup read (listOnDemand), for the next whole scope to use once. */
  private clientsRead: Promise<Client[]> | null = null;
  private lastRefreshFailure = 0;
  /** ITFlow's refusal of the key, while it lasts: every lookup answers with it. */
  private keyError: ItflowError | null = null;
  private keyRejectedAt = 0;
  /** Bumped when the key is rejected: what was being loaded before that is thrown away. */
  private epoch = 0;
  private lastKeyCheck = 0;
  private lastTail = 0;
  private tailing: Promise<void> | null = null;
  private access: WriteAccess = "unknown";
  private accessCheck: Promise<WriteAccess> | null = null;
  private readonly inflight = new Map<string, Promise<Contact[]>>();
  /** Contacts this bot wrote, kept until a list read after the write has them. */
  private readonly recentWrites = new Map<number, { contact: Contact; at: number }>();
  private readonly cache: Keyv;
  /** Contacts written through any replica since its last refresh, newest copy by id. */
  private readonly written: Keyv;
  private readonly now: () => number;

  constructor(private readonly options: DirectoryOptions) {
    this.cache = options.store.namespace("lookup");
    this.written = options.store.namespace("written");
    this.now = options.now ?? Date.now;
  }

  /** Loads the full list now and waits for it (the terminal does; `serve` lets it load behind). */
  async warm(): Promise<void> {
    if (this.keyError) await this.keyWorks(undefined);
    if (!this.snapshot) await this.startBuild();
  }

  /** Rebuilds the list now (or joins a rebuild under way) and waits for it. */
  async refresh(): Promise<void> {
    await this.startBuild();
  }

  /** Whether name search can be answered: the full list has loaded. */
  get loaded(): boolean {
    return this.snapshot !== null;
  }

  /** When the list behind name search was last rebuilt, and how many contacts it holds. */
  status(): { builtAt: number | null; contacts: number; clients: number } {
    const s = this.snapshot;
    return { builtAt: s?.builtAt ?? null, contacts: s?.index.size ?? 0, clients: s?.clients.size ?? 0 };
  }

  /** Whether the key may create and edit contacts, as last learned ("unknown" until then). */
  get writeAccess(): WriteAccess {
    return this.access;
  }

  /**
   * Loads the list in the background when there is none or it is older than the refresh interval;
   * after a failed load, only once a pause has passed, so a struggling ITFlow is not hammered.
   */
  refreshIfStale(): void {
    if (this.building || (this.options.listOnDemand && !this.snapshot)) return;
    const now = this.now();
    const s = this.snapshot;
    if (s && now - s.builtAt < this.options.refreshMs) return;
    if (now - this.lastRefreshFailure < Math.min(30_000, this.options.refreshMs)) return;
    this.startBuild().catch(() => {
      // logged where the build fails
    });
  }

  /**
   * Keeps the list fresh while the bot runs, even when nobody searches: checks every tenth of the
   * refresh interval and rebuilds in the background when due, and between rebuilds asks whether
   * ITFlow still accepts the key. Returns a function that stops it.
   */
  autoRefresh(): () => void {
    const timer = setInterval(
      () => {
        this.refreshIfStale();
        this.checkKeyIfDue();
        this.tailIfDue();
      },
      Math.max(1000, Math.min(this.options.refreshMs / 10, (this.options.tailMs ?? TAIL_MS) / 2)),
    );
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * Between full refreshes: asks ITFlow for the contacts created since the list was read (past
   * the highest id seen), so they are found by name too. Edits and deletions wait for the next
   * full refresh.
   */
  tailIfDue(): void {
    if (!this.snapshot || this.building || this.tailing || this.keyError) return;
    if (this.now() - this.lastTail < (this.options.tailMs ?? TAIL_MS)) return;
    this.lastTail = this.now();
    this.tailing = this.readNewContacts(this.snapshot)
      .catch((error: unknown) => {
        if (!isAuthError(error))
          this.options.logger.debug({ err: error }, "could not ask ITFlow for new contacts");
      })
      .finally(() => {
        this.tailing = null;
      });
  }

  /** Waits for a read of new contacts under way (tests). */
  async tailDone(): Promise<void> {
    await this.tailing;
  }

  private async readNewContacts(snap: Snapshot): Promise<void> {
    const { end } = snap;
    let offset = Math.max(0, end.rows - TAIL_OVERLAP);
    for (let page = 0; page < 50; page++) {
      const rows = await this.ask(this.options.itflow.listContacts({ limit: TAIL_PAGE, offset }));
      if (this.snapshot !== snap || this.building) return;
      const first = rows[0];
      if (page === 0 && offset > 0 && (!first || first.id > end.maxId)) {
        // More rows were deleted than the overlap covers: the end of the list seen moved by an
        // unknown amount. A full refresh (made due now) finds whatever was created.
        snap.builtAt = 0;
        this.refreshIfStale();
        return;
      }
      if (!first) return;
      const fresh = rows.filter((c) => c.id > end.maxId);
      if (fresh.some((c) => !snap.clients.has(c.clientId))) await this.loadScope(); // a new client
      for (const c of fresh) {
        if (snap.clients.has(c.clientId) && !snap.index.get(c.id)) snap.index.upsert(c);
        end.maxId = Math.max(end.maxId, c.id);
        end.rows++;
      }
      if (fresh.length > 0) {
        this.options.logger.info({ contacts: fresh.length }, "contacts created in ITFlow joined the list");
      }
      if (rows.length < TAIL_PAGE) return;
      offset += rows.length;
    }
  }

  /**
   * Asks ITFlow whether it still accepts the key (one row of clients) when the last asking is
   * older than a minute or the refresh interval: a revoked key must not leave the list answering.
   */
  checkKeyIfDue(): void {
    const now = this.now();
    if (!this.snapshot || this.building || this.keyError) return;
    if (
      now - Math.max(this.lastKeyCheck, this.snapshot.builtAt) <
      Math.min(KEY_CHECK_MS, this.options.refreshMs)
    ) {
      return;
    }
    this.lastKeyCheck = now;
    this.ask(this.options.itflow.listClients({ limit: 1, offset: 0 })).catch((error: unknown) => {
      if (!isAuthError(error))
        this.options.logger.debug({ err: error }, "could not ask ITFlow about the key");
    });
  }

  async find(query: Query, options: FindOptions = {}): Promise<ContactRow[]> {
    const { deadline } = options;
    await this.keyWorks(deadline);
    this.refreshIfStale();
    const snap = this.snapshot ?? (await this.listWithin(deadline));
    return snap ? this.findInList(snap, query, options) : this.findWhileLoading(query, options);
  }

  /** A contact as ITFlow holds it right now (for edit forms and conflict checks), if in scope. */
  async getFresh(id: number, deadline?: Deadline): Promise<ContactRow | null> {
    const scope = await this.scopeFor(deadline);
    const contact = await this.ask(this.options.itflow.getContact(id, { deadline }));
    const index = this.snapshot?.index;
    if (!contact) {
      index?.remove(id);
      return null;
    }
    const row = this.toRow(scope, contact, "exact");
    // A read of this very contact, checked to be it: the form opened on it must not be undone by
    // an older copy in the list.
    if (row) index?.upsert(contact);
    return row;
  }

  /**
   * Checks what a caller said against contact `id`'s PIN, read fresh from ITFlow, if the contact
   * is in scope. The fresh copy (which never holds the PIN) also refreshes the index.
   */
  async checkPin(
    id: number,
    attempt: string,
    deadline?: Deadline,
  ): Promise<{ row: ContactRow; result: PinCheck["result"] } | null> {
    const scope = await this.scopeFor(deadline);
    const checked = await this.ask(this.options.itflow.verifyPin(id, attempt, { deadline }));
    const row = checked ? this.toRow(scope, checked.contact, "exact") : null;
    if (!checked || !row) return null;
    this.snapshot?.index.upsert(checked.contact);
    return { row, result: checked.result };
  }

  /** A contact from the index (no ITFlow call), for opening a form instantly; null before it loads. */
  async getCached(id: number): Promise<ContactRow | null> {
    const snap = this.snapshot;
    const contact = snap?.index.get(id);
    return snap && contact ? this.toRow(snap, contact, "exact") : null;
  }

  /** The clients the API key can see, sorted by name (archived ones left out). */
  async clients(deadline?: Deadline): Promise<Client[]> {
    const scope = await this.scopeFor(deadline);
    return [...scope.clients.values()]
      .filter((c) => c.archivedAt === null)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async client(id: number, deadline?: Deadline): Promise<Client | null> {
    return (await this.scopeFor(deadline)).clients.get(id) ?? null;
  }

  /** Clients whose name contains `text` (case- and accent-insensitive), best first. */
  async searchClients(text: string, deadline?: Deadline): Promise<Client[]> {
    const needle = normalizeForSearch(text);
    const all = await this.clients(deadline);
    if (!needle) return all;
    const score = (c: Client) => {
      const name = normalizeForSearch(c.name);
      return name === needle ? 0 : name.startsWith(needle) ? 1 : name.includes(needle) ? 2 : 3;
    };
    return all
      .filter((c) => score(c) < 3)
      .sort((a, b) => score(a) - score(b) || a.name.localeCompare(b.name));
  }

  async locationsOf(clientId: number, deadline?: Deadline): Promise<Location[]> {
    const scope = await this.scopeFor(deadline);
    return [...scope.locations.values()]
      .filter((l) => l.clientId === clientId && l.archivedAt === null)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * The client's primary contact other than `exceptId`, who loses the flag if another becomes
   * primary; null when there is none, or while the list is still loading.
   */
  async currentPrimary(clientId: number, exceptId?: number, deadline?: Deadline): Promise<Contact | null> {
    await this.keyWorks(deadline);
    const snap = this.snapshot ?? (await this.listWithin(deadline));
    if (!snap) return null;
    for (const c of snap.index.all()) {
      if (c.clientId === clientId && c.primary && c.id !== exceptId && c.archivedAt === null) return c;
    }
    return null;
  }

  /** Contacts of `clientId` that already use `email` (ITFlow refuses a second one in a client). */
  async sameEmailInClient(
    clientId: number,
    email: string,
    exceptId?: number,
    deadline?: Deadline,
  ): Promise<ContactRow | null> {
    if (!email) return null;
    const scope = await this.scopeFor(deadline);
    // Ask ITFlow too: the index may predate a contact created a minute ago in the web UI.
    const fresh = await this.ask(this.options.itflow.findContactsByEmail(email, { deadline }));
    const known = this.snapshot?.index.byEmailAddress(email) ?? [];
    const clash = [...known, ...fresh].find((c) => c.clientId === clientId && c.id !== exceptId);
    return clash ? this.toRow(scope, clash, "exact") : null;
  }

  async create(clientId: number, draft: ContactDraft, deadline?: Deadline): Promise<CreateOutcome> {
    const scope = await this.scopeFor(deadline);
    if (!scope.clients.has(clientId)) return { kind: "unknownClient" };
    const duplicate = await this.sameEmailInClient(clientId, draft.email, undefined, deadline);
    if (duplicate) return { kind: "duplicate", existing: duplicate };
    const demoted = draft.primary ? await this.currentPrimary(clientId, undefined, deadline) : null;
    const id = await this.writing(this.options.itflow.createContact(clientId, draft, { deadline }));
    const stored = await this.createdCopy(id, deadline);
    await this.remember(stored, null);
    if (demoted) await this.remember({ ...demoted, primary: false }, demoted);
    const row = this.toRow(scope, stored, "exact");
    if (!row) throw new Error(`contact ${id} was created outside the clients this key can see`);
    return { kind: "created", row, demoted, differences: differencesOf(draft, stored) };
  }

  /**
   * Saves `draft` over contact `id` unless ITFlow's copy changed since `expectedVersion` was taken.
   */
  async update(
    id: number,
    draft: ContactDraft,
    expectedVersion: string,
    deadline?: Deadline,
  ): Promise<UpdateOutcome> {
    const scope = await this.scopeFor(deadline);
    const current = await this.ask(this.options.itflow.getContact(id, { deadline }));
    const currentRow = current ? this.toRow(scope, current, "exact") : null;
    const index = this.snapshot?.index;
    if (!current || !currentRow) {
      const known = index?.get(id);
      index?.remove(id);
      if (known) await this.forget(known, null);
      return { kind: "notFound" };
    }
    if (versionOf(current) !== expectedVersion) {
      index?.upsert(current);
      return { kind: "conflict", row: currentRow };
    }
    const wanted = this.keepStoredNumbers(current, draft);
    if (diffDrafts(draftOf(current), wanted).length === 0) return { kind: "unchanged", row: currentRow };
    // ITFlow checks neither of these on update, so the bot does.
    if (wanted.locationId !== null && wanted.locationId !== current.locationId) {
      const location = scope.locations.get(wanted.locationId);
      if (!location || location.clientId !== current.clientId) return { kind: "badLocation" };
    }
    if (wanted.email && wanted.email.toLowerCase() !== current.email.toLowerCase()) {
      const duplicate = await this.sameEmailInClient(current.clientId, wanted.email, id, deadline);
      if (duplicate) return { kind: "duplicate", existing: duplicate };
    }
    const demoted =
      wanted.primary && !current.primary ? await this.currentPrimary(current.clientId, id, deadline) : null;
    const { before, after, unsaved } = await this.writing(
      this.options.itflow.updateContact(id, wanted, { deadline }),
    );
    await this.remember(after, before);
    if (demoted) await this.remember({ ...demoted, primary: false }, demoted);
    const row = this.toRow(scope, after, "exact");
    if (!row) return { kind: "notFound" };
    return {
      kind: "updated",
      row,
      changes: diffDrafts(draftOf(before), draftOf(after)),
      demoted,
      differences: unsaved.length > 0 ? differencesOf(wanted, after) : [],
    };
  }

  /**
   * Learns whether the key may write, without writing: a create with only a client id is refused
   * with 403 when the key's ITFlow user lacks the right, and for its missing fields otherwise.
   */
  async refreshWriteAccess(): Promise<WriteAccess> {
    if (!this.accessCheck) {
      this.accessCheck = this.probeWriteAccess().finally(() => {
        this.accessCheck = null;
      });
    }
    return this.accessCheck;
  }

  // --- internals ---------------------------------------------------------------------------

  /**
   * A form shows numbers formatted ("(555) 765-4321") but ITFlow may hold them another way
   * ("15557654321"). When the user left a number alone, keep ITFlow's digits so saving the form
   * does not rewrite numbers nobody touched.
   */
  private keepStoredNumbers(current: Contact, draft: ContactDraft): ContactDraft {
    const region = this.options.region;
    const same = (stored: string, cc: string | null, typed: string) => {
      if (!stored || !typed) return false;
      const a = new Set(phoneKeys(stored, cc, region));
      return phoneKeys(typed, null, region).some((k) => a.has(k));
    };
    return {
      ...draft,
      phone: same(current.phone, current.phoneCountryCode, draft.phone) ? current.phone : draft.phone,
      mobile: same(current.mobile, current.mobileCountryCode, draft.mobile) ? current.mobile : draft.mobile,
    };
  }

  // ---- the key: rejected, accepted again, allowed to write

  /**
   * Passes ITFlow's answer through, noticing when it rejects the key. A refusal of a request made
   * before the key was last found rejected says nothing new (pages of one list fail together), and
   * must not throw away a list being loaded since.
   */
  private async ask<T>(work: Promise<T>, epoch = this.epoch): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (isAuthError(error) && epoch === this.epoch) this.keyRejected(error);
      throw error;
    }
  }

  /** A write: also learns from a refusal that the key may not write. */
  private async writing<T>(work: Promise<T>): Promise<T> {
    try {
      return await this.ask(work);
    } catch (error) {
      if (error instanceof ItflowError && error.kind === "forbidden") this.access = "forbidden";
      throw error;
    }
  }

  /**
   * ITFlow rejected the key (revoked, expired): nothing it showed before may be shown now. The
   * list, the caches and anything still loading are dropped at once.
   */
  private keyRejected(error: ItflowError): void {
    if (!this.keyError) {
      this.options.logger.warn(
        { status: error.status },
        "ITFlow rejected the API key: the contact list and caches were dropped; lookups say so until the key works again",
      );
    }
    this.keyError = error;
    this.keyRejectedAt = this.now();
    this.epoch++;
    this.snapshot = null;
    this.scope = null;
    this.inflight.clear();
    this.recentWrites.clear();
    this.access = "unknown";
    for (const space of [this.cache, this.written]) {
      space.clear().catch((failure: unknown) => {
        this.options.logger.warn({ err: failure }, "could not clear cached contacts");
      });
    }
  }

  /**
   * Throws ITFlow's refusal while the key is rejected. Every few seconds a lookup asks again (the
   * cheapest read that proves the key: the clients), so access comes back by itself.
   */
  private async keyWorks(deadline: Deadline | undefined): Promise<void> {
    const refusal = this.keyError;
    if (!refusal) return;
    if (this.now() - this.keyRejectedAt < (this.options.keyRecheckMs ?? KEY_RECHECK_MS)) throw refusal;
    const asking = this.loadScope();
    await (deadline ? deadline.race(asking) : asking);
  }

  /** Notes that the key works; after a refusal, the list is loaded again from scratch. */
  private keyAccepted(): void {
    if (!this.keyError) return;
    this.keyError = null;
    this.lastRefreshFailure = 0;
    this.options.logger.info("ITFlow accepts the API key again; loading the contact list");
  }

  private async probeWriteAccess(): Promise<WriteAccess> {
    const scope = this.scope;
    const first = scope ? [...scope.clients.values()].find((c) => c.archivedAt === null) : undefined;
    if (!first) return this.access;
    try {
      this.access = await this.ask(this.options.itflow.probeWriteAccess(first.id));
      if (this.access === "forbidden") {
        this.options.logger.info("the ITFlow API key may only read: Create and Edit are hidden");
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, "could not learn whether the ITFlow API key may write");
    }
    return this.access;
  }

  // ---- loading the list

  /** The clients and locations the key sees, loaded if need be (within the action's deadline). */
  private async scopeFor(deadline: Deadline | undefined): Promise<Scope> {
    await this.keyWorks(deadline);
    this.refreshIfStale();
    if (this.scope) return this.scope;
    const loading = this.loadScope();
    return deadline ? deadline.race(loading) : loading;
  }

  /** Clients and locations: first of a list load, and all an exact lookup needs to check scope. */
  private loadScope(): Promise<Scope> {
    if (this.scopeLoading) return this.scopeLoading;
    const { itflow, pageSize } = this.options;
    const epoch = this.epoch;
    const clients = this.clientsRead ?? itflow.listAllClients(pageSize);
    this.clientsRead = null;
    this.scopeLoading = this.ask(Promise.all([clients, itflow.listAllLocations(pageSize)]))
      .then(([clients, locations]) => {
        if (epoch !== this.epoch && this.keyError) throw this.keyError;
        this.keyAccepted();
        // clients/read.php is scoped correctly by ITFlow, so its list is the truth about what this
        // key may show; contact rows outside it are dropped and never reach a user.
        const clientMap = new Map(clients.map((c) => [c.id, c]));
        const scope: Scope = {
          clients: clientMap,
          locations: new Map(locations.filter((l) => clientMap.has(l.clientId)).map((l) => [l.id, l])),
        };
        this.adoptScope(scope);
        if (this.options.checkWriteAccess) void this.refreshWriteAccess();
        return scope;
      })
      .finally(() => {
        this.scopeLoading = null;
      });
    return this.scopeLoading;
  }

  /**
   * A newer list of clients applies at once: when the key sees fewer clients than before, their
   * contacts leave the index now, not when the contact pages have all arrived.
   */
  private adoptScope(scope: Scope): void {
    this.scope = scope;
    const snap = this.snapshot;
    if (!snap) return;
    const dropped: number[] = [];
    for (const c of snap.index.all()) if (!scope.clients.has(c.clientId)) dropped.push(c.id);
    for (const id of dropped) snap.index.remove(id);
    if (dropped.length > 0) {
      this.options.logger.info(
        { contacts: dropped.length, clients: snap.clients.size - scope.clients.size },
        "the API key sees fewer clients: their contacts were dropped",
      );
    }
    snap.clients = scope.clients;
    snap.locations = scope.locations;
  }

  /**
   * The list, waiting for it a little (a list being loaded usually lands within a second) but no
   * longer than the action may: null means answer without it.
   */
  private async listWithin(deadline: Deadline | undefined): Promise<Snapshot | null> {
    this.refreshIfStale();
    const building = this.building;
    if (!building) return this.snapshot;
    const patience = this.options.listPatienceMs ?? DEFAULT_PATIENCE_MS;
    const wait = Math.min(patience, deadline ? deadline.remainingMs : patience);
    try {
      return (await settledWithin(building, wait)) ?? null;
    } catch (error) {
      if (isAuthError(error)) throw this.keyError ?? error;
      return null;
    }
  }

  private startBuild(): Promise<Snapshot> {
    if (!this.building) {
      const hadList = this.snapshot !== null;
      this.building = this.build(this.epoch)
        .catch((error: unknown) => {
          this.lastRefreshFailure = this.now();
          this.options.logger.warn(
            { err: error },
            hadList
              ? "background refresh of the contact list failed; keeping the old one"
              : "could not load the contact list; email, phone and #id lookups ask ITFlow until it loads",
          );
          throw error;
        })
        .finally(() => {
          this.building = null;
        });
    }
    return this.building;
  }

  /**
   * Reads the whole contact list (several pages in flight), handing each in-scope contact to
   * `take` the moment its page arrives: its rows then die young instead of a queue of pages living
   * long enough to be promoted to the old generation. Resolves with the scope the rows were read in.
   */
  private async readList(take: (contact: Contact) => void): Promise<Scope & { end: Snapshot["end"] }> {
    const { itflow, pageSize } = this.options;
    const scopeLoading = this.loadScope();
    let scope: Scope | null = null;
    const early: Contact[][] = [];
    const end = { rows: 0, maxId: 0 };
    const hand = (rows: Contact[], clients: Map<number, Client>) => {
      for (const c of rows) if (clients.has(c.clientId)) take(c);
    };
    let over = false;
    const reading = this.ask(
      itflow.listAllContacts(pageSize, {
        concurrency: this.options.pagesInFlight ?? PAGES_IN_FLIGHT,
        onPage: (rows) => {
          if (over) return;
          end.rows += rows.length;
          for (const c of rows) if (c.id > end.maxId) end.maxId = c.id;
          if (scope) hand(rows, scope.clients);
          // Pages that come before the clients wait for them (the client list is small and usually
          // arrives first).
          else early.push(rows);
        },
      }),
    );
    // The contact pages may fail while the clients are still on their way: their failure is
    // awaited below, and must not count as unhandled meanwhile.
    reading.catch(() => {});
    try {
      scope = await scopeLoading;
      for (const rows of early.splice(0)) hand(rows, scope.clients);
      await reading;
      return { ...scope, end };
    } finally {
      over = true;
    }
  }

  private async build(epoch: number): Promise<Snapshot> {
    const started = this.now();
    const old = this.snapshot;
    const snapshot = old ? await this.refreshList(old, started) : await this.loadList();
    if (epoch !== this.epoch) {
      // The key was rejected while this list was being read: it must not come back. If ITFlow has
      // accepted the key again since, a list read under the new terms replaces it.
      if (this.keyError) throw this.keyError;
      return this.build(this.epoch);
    }
    if (snapshot !== old) {
      // Writes that landed while the list was being fetched must not be undone by an older page,
      // nor lost when there was no list yet to put them in.
      this.keepWrites(snapshot, started);
      this.snapshot = snapshot;
    }
    // The list is as new as it gets: the next look for new contacts is due a poll from now.
    this.lastTail = this.now();
    // A narrower scope that arrived while the contacts were indexed still applies.
    if (this.scope && this.scope.clients !== snapshot.clients) this.adoptScope(this.scope);
    this.options.logger.info(
      { contacts: snapshot.index.size, clients: snapshot.clients.size, ms: this.now() - started },
      old ? "contact list refreshed" : "contact list loaded",
    );
    return snapshot;
  }

  /** The first list: every contact into a new index. */
  private async loadList(): Promise<Snapshot> {
    const builder = new IndexBuilder(this.options.region);
    const read = await this.readList((c) => builder.add(c));
    return {
      index: await builder.finish({ now: this.now() }),
      clients: read.clients,
      locations: read.locations,
      builtAt: this.now(),
      end: read.end,
    };
  }

  /**
   * A refresh changes the list in place: only contacts that differ from the list's copy are
   * replaced, those gone are removed, and every other object stays. One list is alive, not two;
   * the index is rebuilt from the contacts it holds (no ITFlow call) once enough has changed.
   */
  private async refreshList(old: Snapshot, started: number): Promise<Snapshot> {
    const epoch = this.epoch;
    const seen = new Set<number>();
    const changed: Contact[] = [];
    const read = await this.readList((c) => {
      seen.add(c.id);
      const known = old.index.get(c.id);
      if (!known || !sameContact(known, c)) changed.push(c);
    });
    // The key was rejected meanwhile: this list is gone (build() says so).
    if (epoch !== this.epoch || this.snapshot !== old) return old;
    const index = old.index;
    for (const c of changed) {
      // Saved through the bot after this page was read: the page is the older copy.
      const current = index.get(c.id);
      if (current && (current.updatedAt ?? "") > (c.updatedAt ?? "")) continue;
      index.upsert(c);
    }
    const gone: number[] = [];
    for (const c of index.all()) if (!seen.has(c.id) && !this.writtenSince(c.id, started)) gone.push(c.id);
    for (const id of gone) index.remove(id);
    this.keepWrites(old, started);
    old.clients = read.clients;
    old.locations = read.locations;
    old.builtAt = this.now();
    old.end = read.end;
    if (index.pending > COMPACT_AFTER) {
      const compacted = await ContactIndex.compact(index, this.options.region, { now: this.now() });
      if (this.snapshot === old) old.index = compacted;
    }
    return old;
  }

  private writtenSince(id: number, since: number): boolean {
    const write = this.recentWrites.get(id);
    return write !== undefined && write.at >= since;
  }

  /** Contacts this bot saved: kept when newer than the list's copy, or missing from it. */
  private keepWrites(snapshot: Snapshot, started: number): void {
    const newer = (c: Contact) =>
      (c.updatedAt ?? "") > (snapshot.index.get(c.id)?.updatedAt ?? "") && snapshot.clients.has(c.clientId);
    if (this.snapshot && this.snapshot !== snapshot) {
      for (const c of this.snapshot.index.all()) if (newer(c)) snapshot.index.upsert(c);
    }
    for (const [id, write] of this.recentWrites) {
      const c = write.contact;
      if (newer(c) || (!snapshot.index.get(id) && snapshot.clients.has(c.clientId))) snapshot.index.upsert(c);
      if (write.at < started) this.recentWrites.delete(id);
    }
  }

  // ---- finding

  private async findInList(snap: Snapshot, query: Query, options: FindOptions): Promise<ContactRow[]> {
    const { deadline } = options;
    let hits: IndexHit[];
    switch (query.kind) {
      case "empty":
      case "invalidEmail":
        return [];
      case "id":
        hits = (await this.byId(snap, query.id, deadline)).map((contact) => ({
          contact,
          match: "exact",
          rank: 0,
        }));
        break;
      case "email":
        hits = (await this.byEmail(snap, query.email, deadline)).map((contact) => ({
          contact,
          match: "exact",
          rank: 0,
        }));
        break;
      case "phone":
        hits = await this.byPhone(snap, query.phone.digits, query.phone.variants, query.phone.keys, deadline);
        break;
      case "partialPhone":
        hits = snap.index.byPartialDigits(query.digits);
        break;
      case "name":
        hits = snap.index.byName(query.text);
        break;
    }
    hits = await this.withOtherReplicasWrites(snap, hits);
    return this.rowsOf(snap, hits, options);
  }

  /** Before the list has loaded: exact lookups through ITFlow's exact reads, nothing else. */
  private async findWhileLoading(query: Query, options: FindOptions): Promise<ContactRow[]> {
    const { deadline } = options;
    if (query.kind === "empty" || query.kind === "invalidEmail") return [];
    if (query.kind === "name" || query.kind === "partialPhone") throw new ListLoading();
    const loading = this.options.listOnDemand ? this.clientScopeFor(deadline) : this.scopeFor(deadline);
    loading.catch(() => {}); // awaited with the read and below
    let contacts: Contact[];
    switch (query.kind) {
      case "id":
        contacts = await this.idRead(loading, null, query.id, deadline);
        break;
      case "email":
        contacts = await this.emailRead(loading, null, query.email, deadline);
        break;
      case "phone":
        contacts = (await this.phoneReads(loading, null, query.phone.variants, deadline)).flat();
        break;
    }
    const hits = withReadHits([], contacts, query.kind === "phone" ? query.phone.digits : null);
    const scope = await loading;
    return this.rowsOf(
      this.options.listOnDemand ? await this.withLocationsOf(scope, contacts, deadline) : scope,
      hits,
      options,
    );
  }

  /**
   * A one-shot lookup's scope (listOnDemand): the clients the key sees, and no locations. A
   * terminal lookup shows a contact or a few, so their locations are read by id (withLocationsOf)
   * rather than the whole list of them, which at 2,000 clients was ~6 MB of a process that must
   * stay small. Kept apart from `scope`, which the rest of the directory expects whole.
   */
  private clientScopeFor(deadline: Deadline | undefined): Promise<Scope> {
    if (this.scope) return Promise.resolve(this.scope);
    // A whole scope on its way has the clients too.
    if (this.scopeLoading) return deadline ? deadline.race(this.scopeLoading) : this.scopeLoading;
    const { itflow, pageSize } = this.options;
    this.clientScopeLoading ??= (async () => {
      await this.keyWorks(deadline);
      // Kept for the whole scope if one is loaded next (verify reads the contact again with it):
      // the clients are read once per run either way.
      this.clientsRead ??= itflow.listAllClients(pageSize);
      const clients = await this.ask(this.clientsRead);
      this.keyAccepted();
      return { clients: new Map(clients.map((c) => [c.id, c])), locations: new Map() };
    })().finally(() => {
      this.clientScopeLoading = null;
    });
    return deadline ? deadline.race(this.clientScopeLoading) : this.clientScopeLoading;
  }

  /** `scope` with the locations of `contacts` it lacks, read by id (those of the key's clients). */
  private async withLocationsOf(
    scope: Scope,
    contacts: readonly Contact[],
    deadline: Deadline | undefined,
  ): Promise<Scope> {
    const wanted = new Set<number>();
    for (const c of contacts) {
      if (c.locationId !== null && !scope.locations.has(c.locationId) && scope.clients.has(c.clientId)) {
        wanted.add(c.locationId);
      }
    }
    if (wanted.size === 0) return scope;
    // A location that cannot be read leaves its name out; the contact is what was asked for.
    const read = await Promise.all(
      [...wanted].map((id) =>
        this.ask(this.options.itflow.getLocation(id, { deadline })).catch((error: unknown) => {
          this.options.logger.warn({ err: error, locationId: id }, "could not read a contact's location");
          return null;
        }),
      ),
    );
    const locations = new Map(scope.locations);
    for (const l of read) if (l && scope.clients.has(l.clientId)) locations.set(l.id, l);
    return { clients: scope.clients, locations };
  }

  /** Sorted, archived left out unless asked for, each checked against the key's clients. */
  private rowsOf(scope: Scope, hits: IndexHit[], options: FindOptions): ContactRow[] {
    // Sorted before the rows are made, and one row object per hit: a search can match hundreds
    // of contacts and every extra object per row shows up as garbage-collection pauses.
    hits.sort((a, b) => a.rank - b.rank || byName(a.contact, b.contact));
    const rows: ContactRow[] = [];
    for (const hit of hits) {
      if (hit.contact.archivedAt !== null && !options.includeArchived) continue;
      const row = this.toRow(scope, hit.contact, hit.match);
      if (row) rows.push(row);
    }
    return rows;
  }

  private async byId(snap: Snapshot, id: number, deadline: Deadline | undefined): Promise<Contact[]> {
    const known = snap.index.get(id);
    return known ? [known] : this.idRead(snap, snap.index, id, deadline);
  }

  private async byEmail(snap: Snapshot, email: string, deadline: Deadline | undefined): Promise<Contact[]> {
    const known = snap.index.byEmailAddress(email);
    return known.length > 0 ? known : this.emailRead(snap, snap.index, email, deadline);
  }

  private async byPhone(
    snap: Snapshot,
    digits: string,
    variants: readonly string[],
    keys: readonly string[],
    deadline: Deadline | undefined,
  ): Promise<IndexHit[]> {
    const known = snap.index.byPhone(keys, digits);
    if (known.length > 0) return known;
    // Not in the list: maybe created since the last refresh. ITFlow matches stored digits
    // exactly, so ask for every form the number may have been saved in.
    const found = (await this.phoneReads(snap, snap.index, variants, deadline)).flat();
    if (found.length > 0) {
      // New contacts joined the index; one the list holds under another number is shown as
      // ITFlow has it now, without replacing the list's copy.
      return withReadHits(snap.index.byPhone(keys, digits), found, digits);
    }
    // Last resort: the number typed may be the tail of one stored with another prefix.
    return digits.length >= 7 ? snap.index.byPartialDigits(digits) : [];
  }

  private idRead(
    scope: Scope | Promise<Scope>,
    index: ContactIndex | null,
    id: number,
    deadline: Deadline | undefined,
  ) {
    return this.exactRead(scope, index, `id:${id}`, deadline, async () => {
      const c = await this.options.itflow.getContact(id, { deadline });
      return c ? [c] : [];
    });
  }

  private emailRead(
    scope: Scope | Promise<Scope>,
    index: ContactIndex | null,
    email: string,
    deadline: Deadline | undefined,
  ) {
    return this.exactRead(scope, index, `email:${email.toLowerCase()}`, deadline, () =>
      this.options.itflow.findContactsByEmail(email, { deadline }),
    );
  }

  private phoneReads(
    scope: Scope | Promise<Scope>,
    index: ContactIndex | null,
    variants: readonly string[],
    deadline: Deadline | undefined,
  ): Promise<Contact[][]> {
    return Promise.all(
      variants.map((v) =>
        this.exactRead(scope, index, `phone:${v}`, deadline, () =>
          this.options.itflow.findContactsByPhone(v, { deadline }),
        ),
      ),
    );
  }

  /**
   * One ITFlow read per key at a time (identical concurrent lookups share it, each within its own
   * deadline), cached for the TTL when it found something. A contact it finds that the list lacks
   * (created since the last refresh) joins the index so name search sees it too; a read never
   * replaces the list's copy of a contact.
   */
  private async exactRead(
    scopeOrLoading: Scope | Promise<Scope>,
    index: ContactIndex | null,
    key: string,
    deadline: Deadline | undefined,
    read: () => Promise<Contact[]>,
  ): Promise<Contact[]> {
    const cached = (await this.cache.get<Contact[]>(key)) ?? null;
    if (cached) {
      const scope = await scopeOrLoading;
      return cached.filter((c) => scope.clients.has(c.clientId));
    }
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = (async () => {
        // The read goes out at once, beside the clients it is checked against when they are still
        // loading (a one-shot terminal lookup pays one round trip, not two).
        const [found, scope] = await Promise.all([this.ask(read()), scopeOrLoading]);
        const rows = found.filter((c) => scope.clients.has(c.clientId));
        if (rows.length > 0 && this.options.cacheTtlMs > 0) {
          await this.cache.set(key, rows, this.options.cacheTtlMs);
        }
        if (index) for (const c of rows) if (!index.get(c.id)) index.upsert(c);
        return rows;
      })().finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return deadline ? deadline.race(pending) : pending;
  }

  /**
   * Another replica may have saved one of these contacts since this one's list was built: the
   * store holds the copy it saved, which replaces ours (one batched read per find).
   */
  private async withOtherReplicasWrites(snap: Snapshot, hits: IndexHit[]): Promise<IndexHit[]> {
    if (hits.length === 0 || this.options.store.kind === "memory") return hits;
    const newer = await this.written.getMany<Contact>(hits.map((h) => String(h.contact.id)));
    return hits.map((hit, i) => {
      const copy = newer[i];
      if (!copy || (copy.updatedAt ?? "") < (hit.contact.updatedAt ?? "")) return hit;
      if (copy !== hit.contact) snap.index.upsert(copy);
      return { ...hit, contact: copy };
    });
  }

  // ---- after a write

  /** The contact just created, read back; if that fails, the technician must know it was created. */
  private async createdCopy(id: number, deadline: Deadline | undefined): Promise<Contact> {
    let stored: Contact | null;
    try {
      stored = await this.ask(this.options.itflow.getContact(id, { deadline }));
    } catch (error) {
      if (!(error instanceof ItflowError)) throw error;
      throw new ItflowError(
        error.kind,
        `ITFlow created the contact (#${id}) but did not show it back: ${error.message} Look at it in ITFlow before creating it again.`,
        error.detail === undefined ? {} : { detail: error.detail },
      );
    }
    if (!stored) throw new Error(`ITFlow created contact ${id} but cannot read it back`);
    return stored;
  }

  /** After a write: the index holds the new copy, and cached reads of the old one are dropped. */
  private async remember(after: Contact, before: Contact | null): Promise<void> {
    this.snapshot?.index.upsert(after);
    this.recentWrites.set(after.id, { contact: after, at: this.now() });
    if (this.options.store.kind !== "memory") {
      await this.written.set(String(after.id), after, this.options.refreshMs * 2);
    }
    await this.forget(after, before);
  }

  /** Drops every cached exact read that may hold an old copy of this contact. */
  private async forget(after: Contact, before: Contact | null): Promise<void> {
    const keys = new Set<string>([`id:${after.id}`]);
    for (const c of [after, before]) {
      if (!c) continue;
      if (c.email) keys.add(`email:${c.email.toLowerCase()}`);
      for (const stored of [c.phone, c.mobile]) {
        if (!stored) continue;
        keys.add(`phone:${stored}`);
        for (const v of parsePhoneQuery(stored, this.options.region)?.variants ?? []) keys.add(`phone:${v}`);
      }
    }
    await Promise.all([...keys].map((k) => this.cache.delete(k)));
  }

  private toRow(scope: Scope, contact: Contact, match: MatchKind): ContactRow | null {
    const client = scope.clients.get(contact.clientId);
    if (!client) return null;
    const location = contact.locationId !== null ? (scope.locations.get(contact.locationId) ?? null) : null;
    return { contact, client, location, match };
  }
}
