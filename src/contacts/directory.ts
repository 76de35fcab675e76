// The one place that answers "who is this?" and "save this contact": the local index first (fast,
// finds what ITFlow's exact reads cannot), ITFlow's exact reads on a miss (a contact created since
// the last refresh), and the bot's own client-scope check on every row, because ITFlow's phone read
// leaks other clients' contacts through the mobile column.
import { createHash } from "node:crypto";
import type { Keyv } from "keyv";
import type { CountryCode } from "libphonenumber-js";
import type { PinCheck } from "../itflow/pin.js";
import type { Logger } from "../log.js";
import type { Store } from "../store.js";
import { ContactIndex, type IndexHit, type MatchKind } from "./contact-index.js";
import { CONTACT_FIELDS, diffDrafts, type FieldChange } from "./fields.js";
import { parsePhoneQuery, phoneKeys } from "./phone.js";
import type { Query } from "./query.js";
import { normalizeForSearch } from "./text.js";
import type { Client, Contact, ContactDraft, Location } from "./types.js";

/** What the directory needs from ITFlow; `ItflowClient` provides it. */
export interface ItflowApi {
  getContact(id: number): Promise<Contact | null>;
  /** Reads the contact afresh and compares `attempt` with its PIN; never returns the PIN. */
  verifyPin(id: number, attempt: string): Promise<PinCheck | null>;
  findContactsByEmail(email: string): Promise<Contact[]>;
  findContactsByPhone(digits: string): Promise<Contact[]>;
  listAllContacts(pageSize: number): Promise<Contact[]>;
  listAllClients(pageSize: number): Promise<Client[]>;
  listAllLocations(pageSize: number): Promise<Location[]>;
  createContact(clientId: number, draft: ContactDraft): Promise<number>;
  updateContact(contactId: number, draft: ContactDraft): Promise<{ before: Contact; after: Contact }>;
}

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
}

export interface ContactRow {
  contact: Contact;
  client: Client;
  location: Location | null;
  match: MatchKind;
}

export interface FindOptions {
  includeArchived?: boolean;
}

interface Snapshot {
  index: ContactIndex;
  clients: Map<number, Client>;
  locations: Map<number, Location>;
  builtAt: number;
}

export type CreateOutcome =
  | { kind: "created"; row: ContactRow; demoted: Contact | null }
  | { kind: "duplicate"; existing: ContactRow }
  | { kind: "unknownClient" };

export type UpdateOutcome =
  | { kind: "updated"; row: ContactRow; changes: FieldChange[]; demoted: Contact | null }
  | { kind: "unchanged"; row: ContactRow }
  | { kind: "conflict"; row: ContactRow }
  | { kind: "duplicate"; existing: ContactRow }
  | { kind: "badLocation" }
  | { kind: "notFound" };

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

export class ContactDirectory {
  private snapshot: Snapshot | null = null;
  private building: Promise<Snapshot> | null = null;
  private lastRefreshFailure = 0;
  private readonly inflight = new Map<string, Promise<Contact[]>>();
  private readonly cache: Keyv;
  /** Contacts written through any replica since its last refresh, newest copy by id. */
  private readonly written: Keyv;
  private readonly now: () => number;

  constructor(private readonly options: DirectoryOptions) {
    this.cache = options.store.namespace("lookup");
    this.written = options.store.namespace("written");
    this.now = options.now ?? Date.now;
  }

  /** Builds the full list now (at start-up), so the first lookup does not wait for it. */
  async warm(): Promise<void> {
    await this.current();
  }

  /** When the list behind name search was last rebuilt, and how many contacts it holds. */
  status(): { builtAt: number | null; contacts: number; clients: number } {
    const s = this.snapshot;
    return { builtAt: s?.builtAt ?? null, contacts: s?.index.size ?? 0, clients: s?.clients.size ?? 0 };
  }

  /** Rebuilds the list in the background if it is older than the refresh interval. */
  refreshIfStale(): void {
    const s = this.snapshot;
    if (!s || this.building) return;
    const now = this.now();
    if (now - s.builtAt < this.options.refreshMs) return;
    // After a failed refresh, wait a little before hammering a struggling ITFlow again.
    if (now - this.lastRefreshFailure < Math.min(30_000, this.options.refreshMs)) return;
    this.startBuild().catch((error: unknown) => {
      this.lastRefreshFailure = this.now();
      this.options.logger.warn(
        { err: error },
        "background refresh of the contact list failed; keeping the old one",
      );
    });
  }

  /**
   * Keeps the list fresh while the bot runs, even when nobody searches: checks every tenth of the
   * refresh interval and rebuilds in the background when due. Returns a function that stops it.
   */
  autoRefresh(): () => void {
    const timer = setInterval(() => this.refreshIfStale(), Math.max(1000, this.options.refreshMs / 10));
    timer.unref();
    return () => clearInterval(timer);
  }

  async find(query: Query, options: FindOptions = {}): Promise<ContactRow[]> {
    const snap = await this.current();
    this.refreshIfStale();
    let hits: IndexHit[];
    switch (query.kind) {
      case "empty":
      case "invalidEmail":
        return [];
      case "id":
        hits = (await this.byId(snap, query.id)).map((contact) => ({ contact, match: "exact", rank: 0 }));
        break;
      case "email":
        hits = (await this.byEmail(snap, query.email)).map((contact) => ({
          contact,
          match: "exact",
          rank: 0,
        }));
        break;
      case "phone":
        hits = await this.byPhone(snap, query.phone.digits, query.phone.variants, query.phone.keys);
        break;
      case "partialPhone":
        hits = snap.index.byPartialDigits(query.digits);
        break;
      case "name":
        hits = snap.index.byName(query.text);
        break;
    }
    hits = await this.withOtherReplicasWrites(snap, hits);
    // Sorted before the rows are made, and one row object per hit: a search can match hundreds
    // of contacts and every extra object per row shows up as garbage-collection pauses.
    hits.sort((a, b) => a.rank - b.rank || byName(a.contact, b.contact));
    const rows: ContactRow[] = [];
    for (const hit of hits) {
      if (hit.contact.archivedAt !== null && !options.includeArchived) continue;
      const row = this.toRow(snap, hit.contact, hit.match);
      if (row) rows.push(row);
    }
    return rows;
  }

  /** A contact as ITFlow holds it right now (for edit forms and conflict checks), if in scope. */
  async getFresh(id: number): Promise<ContactRow | null> {
    const snap = await this.current();
    const contact = await this.options.itflow.getContact(id);
    if (!contact) {
      snap.index.remove(id);
      return null;
    }
    const row = this.toRow(snap, contact, "exact");
    if (row) snap.index.upsert(contact);
    return row;
  }

  /**
   * Checks what a caller said against contact `id`'s PIN, read fresh from ITFlow, if the contact
   * is in scope. The fresh copy (which never holds the PIN) also refreshes the index.
   */
  async checkPin(
    id: number,
    attempt: string,
  ): Promise<{ row: ContactRow; result: PinCheck["result"] } | null> {
    const snap = await this.current();
    const checked = await this.options.itflow.verifyPin(id, attempt);
    const row = checked ? this.toRow(snap, checked.contact, "exact") : null;
    if (!checked || !row) return null;
    snap.index.upsert(checked.contact);
    return { row, result: checked.result };
  }

  /** A contact from the index (no ITFlow call), for opening a form instantly. */
  async getCached(id: number): Promise<ContactRow | null> {
    const snap = await this.current();
    const contact = snap.index.get(id);
    return contact ? this.toRow(snap, contact, "exact") : null;
  }

  /** The clients the API key can see, sorted by name (archived ones left out). */
  async clients(): Promise<Client[]> {
    const snap = await this.current();
    return [...snap.clients.values()]
      .filter((c) => c.archivedAt === null)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async client(id: number): Promise<Client | null> {
    return (await this.current()).clients.get(id) ?? null;
  }

  /** Clients whose name contains `text` (case- and accent-insensitive), best first. */
  async searchClients(text: string): Promise<Client[]> {
    const needle = normalizeForSearch(text);
    const all = await this.clients();
    if (!needle) return all;
    const score = (c: Client) => {
      const name = normalizeForSearch(c.name);
      return name === needle ? 0 : name.startsWith(needle) ? 1 : name.includes(needle) ? 2 : 3;
    };
    return all
      .filter((c) => score(c) < 3)
      .sort((a, b) => score(a) - score(b) || a.name.localeCompare(b.name));
  }

  async locationsOf(clientId: number): Promise<Location[]> {
    const snap = await this.current();
    return [...snap.locations.values()]
      .filter((l) => l.clientId === clientId && l.archivedAt === null)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The client's primary contact other than `exceptId`, who loses the flag if another becomes primary. */
  async currentPrimary(clientId: number, exceptId?: number): Promise<Contact | null> {
    const snap = await this.current();
    for (const c of snap.index.all()) {
      if (c.clientId === clientId && c.primary && c.id !== exceptId && c.archivedAt === null) return c;
    }
    return null;
  }

  /** Contacts of `clientId` that already use `email` (ITFlow refuses a second one in a client). */
  async sameEmailInClient(clientId: number, email: string, exceptId?: number): Promise<ContactRow | null> {
    if (!email) return null;
    const snap = await this.current();
    // Ask ITFlow too: the index may predate a contact created a minute ago in the web UI.
    const fresh = await this.options.itflow.findContactsByEmail(email);
    const candidates = [...snap.index.byEmailAddress(email), ...fresh];
    const clash = candidates.find((c) => c.clientId === clientId && c.id !== exceptId);
    return clash ? this.toRow(snap, clash, "exact") : null;
  }

  async create(clientId: number, draft: ContactDraft): Promise<CreateOutcome> {
    const snap = await this.current();
    if (!snap.clients.has(clientId)) return { kind: "unknownClient" };
    const duplicate = await this.sameEmailInClient(clientId, draft.email);
    if (duplicate) return { kind: "duplicate", existing: duplicate };
    const demoted = draft.primary ? await this.currentPrimary(clientId) : null;
    const id = await this.options.itflow.createContact(clientId, draft);
    const stored = await this.options.itflow.getContact(id);
    if (!stored) throw new Error(`ITFlow created contact ${id} but cannot read it back`);
    await this.remember(snap, stored, null);
    if (demoted) await this.remember(snap, { ...demoted, primary: false }, demoted);
    const row = this.toRow(snap, stored, "exact");
    if (!row) throw new Error(`contact ${id} was created outside the clients this key can see`);
    return { kind: "created", row, demoted };
  }

  /**
   * Saves `draft` over contact `id` unless ITFlow's copy changed since `expectedVersion` was taken.
   */
  async update(id: number, draft: ContactDraft, expectedVersion: string): Promise<UpdateOutcome> {
    const snap = await this.current();
    const current = await this.options.itflow.getContact(id);
    const currentRow = current ? this.toRow(snap, current, "exact") : null;
    if (!current || !currentRow) {
      const known = snap.index.get(id);
      snap.index.remove(id);
      if (known) await this.forget(known, null);
      return { kind: "notFound" };
    }
    if (versionOf(current) !== expectedVersion) {
      snap.index.upsert(current);
      return { kind: "conflict", row: currentRow };
    }
    const wanted = this.keepStoredNumbers(current, draft);
    if (diffDrafts(draftOf(current), wanted).length === 0) return { kind: "unchanged", row: currentRow };
    // ITFlow checks neither of these on update, so the bot does.
    if (wanted.locationId !== null && wanted.locationId !== current.locationId) {
      const location = snap.locations.get(wanted.locationId);
      if (!location || location.clientId !== current.clientId) return { kind: "badLocation" };
    }
    if (wanted.email && wanted.email.toLowerCase() !== current.email.toLowerCase()) {
      const duplicate = await this.sameEmailInClient(current.clientId, wanted.email, id);
      if (duplicate) return { kind: "duplicate", existing: duplicate };
    }
    const demoted =
      wanted.primary && !current.primary ? await this.currentPrimary(current.clientId, id) : null;
    const { before, after } = await this.options.itflow.updateContact(id, wanted);
    await this.remember(snap, after, before);
    if (demoted) await this.remember(snap, { ...demoted, primary: false }, demoted);
    const row = this.toRow(snap, after, "exact");
    if (!row) return { kind: "notFound" };
    return { kind: "updated", row, changes: diffDrafts(draftOf(before), draftOf(after)), demoted };
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

  private async current(): Promise<Snapshot> {
    if (this.snapshot) return this.snapshot;
    return this.startBuild();
  }

  private startBuild(): Promise<Snapshot> {
    if (!this.building) {
      this.building = this.build().finally(() => {
        this.building = null;
      });
    }
    return this.building;
  }

  private async build(): Promise<Snapshot> {
    const { itflow, pageSize, region, logger } = this.options;
    const started = this.now();
    const [clients, locations, contacts] = await Promise.all([
      itflow.listAllClients(pageSize),
      itflow.listAllLocations(pageSize),
      itflow.listAllContacts(pageSize),
    ]);
    const clientMap = new Map(clients.map((c) => [c.id, c]));
    // clients/read.php is scoped correctly by ITFlow, so its list is the truth about what this
    // key may show; contact rows outside it are dropped here and never reach a user.
    const visible = contacts.filter((c) => clientMap.has(c.clientId));
    const snapshot: Snapshot = {
      index: await ContactIndex.build(visible, region, { now: this.now() }),
      clients: clientMap,
      locations: new Map(locations.filter((l) => clientMap.has(l.clientId)).map((l) => [l.id, l])),
      builtAt: this.now(),
    };
    // Writes that landed while the list was being fetched must not be undone by an older page.
    if (this.snapshot) {
      for (const c of this.snapshot.index.all()) {
        if ((c.updatedAt ?? "") > (snapshot.index.get(c.id)?.updatedAt ?? "") && clientMap.has(c.clientId)) {
          snapshot.index.upsert(c);
        }
      }
    }
    this.snapshot = snapshot;
    logger.info(
      { contacts: visible.length, clients: clientMap.size, ms: this.now() - started },
      "contact list loaded",
    );
    return snapshot;
  }

  private async byId(snap: Snapshot, id: number): Promise<Contact[]> {
    const known = snap.index.get(id);
    if (known) return [known];
    return this.exactRead(snap, `id:${id}`, async () => {
      const c = await this.options.itflow.getContact(id);
      return c ? [c] : [];
    });
  }

  private async byEmail(snap: Snapshot, email: string): Promise<Contact[]> {
    const known = snap.index.byEmailAddress(email);
    if (known.length > 0) return known;
    return this.exactRead(snap, `email:${email.toLowerCase()}`, () =>
      this.options.itflow.findContactsByEmail(email),
    );
  }

  private async byPhone(
    snap: Snapshot,
    digits: string,
    variants: readonly string[],
    keys: readonly string[],
  ): Promise<IndexHit[]> {
    const known = snap.index.byPhone(keys, digits);
    if (known.length > 0) return known;
    // Not in the list: maybe created since the last refresh. ITFlow matches stored digits
    // exactly, so ask for every form the number may have been saved in.
    const found = await Promise.all(
      variants.map((v) =>
        this.exactRead(snap, `phone:${v}`, () => this.options.itflow.findContactsByPhone(v)),
      ),
    );
    if (found.some((rows) => rows.length > 0)) return snap.index.byPhone(keys, digits);
    // Last resort: the number typed may be the tail of one stored with another prefix.
    return digits.length >= 7 ? snap.index.byPartialDigits(digits) : [];
  }

  /**
   * One ITFlow read per key at a time (identical concurrent lookups share it), cached for the
   * TTL when it found something; what it finds joins the index so name search sees it too.
   */
  private async exactRead(snap: Snapshot, key: string, read: () => Promise<Contact[]>): Promise<Contact[]> {
    const cached = (await this.cache.get<Contact[]>(key)) ?? null;
    if (cached) return cached.filter((c) => snap.clients.has(c.clientId));
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = (async () => {
        const rows = (await read()).filter((c) => snap.clients.has(c.clientId));
        if (rows.length > 0 && this.options.cacheTtlMs > 0) {
          await this.cache.set(key, rows, this.options.cacheTtlMs);
        }
        for (const c of rows) snap.index.upsert(c);
        return rows;
      })().finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
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

  /** After a write: the index holds the new copy, and cached reads of the old one are dropped. */
  private async remember(snap: Snapshot, after: Contact, before: Contact | null): Promise<void> {
    snap.index.upsert(after);
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

  private toRow(snap: Snapshot, contact: Contact, match: MatchKind): ContactRow | null {
    const client = snap.clients.get(contact.clientId);
    if (!client) return null;
    const location = contact.locationId !== null ? (snap.locations.get(contact.locationId) ?? null) : null;
    return { contact, client, location, match };
  }
}
