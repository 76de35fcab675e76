// The bot's core as the bench builds it: the real ItflowClient and ContactDirectory with the bot's
// default settings. Kept apart from env.ts so the memory child process loads no fake ITFlow code.
import { type CallOptions, ContactDirectory, type ItflowApi } from "../src/contacts/directory.js";
import type { Contact, ContactDraft } from "../src/contacts/types.js";
import { ItflowClient } from "../src/itflow/client.js";
import type { PagingOptions } from "../src/itflow/paging.js";
import { silentLogger } from "../src/log.js";
import { MemoryStore } from "../src/store.js";
import { BENCH } from "./config.js";

export function makeClient(url: string, apiKey: string = BENCH.apiKey): ItflowClient {
  return new ItflowClient({
    baseUrl: url,
    apiKey,
    timeoutMs: BENCH.timeoutMs,
    logger: silentLogger(),
  });
}

export function makeDirectory(itflow: ItflowApi, now?: () => number): ContactDirectory {
  return new ContactDirectory({
    ...(now ? { now } : {}),
    itflow,
    store: new MemoryStore(),
    region: BENCH.region,
    refreshMs: BENCH.refreshMs,
    cacheTtlMs: BENCH.cacheTtlMs,
    pageSize: BENCH.pageSize,
    logger: silentLogger(),
  });
}

/**
 * The real client behind the directory, with a stopwatch: `spentMs` adds up the time spent inside
 * ITFlow calls, so "a find's own time minus the ITFlow read it made" is the directory's overhead
 * on that very call — free of the fake's call-to-call variance.
 */
export class TimedItflow implements ItflowApi {
  spentMs = 0;

  constructor(private readonly inner: ItflowApi) {}

  private async time<R>(call: () => Promise<R>): Promise<R> {
    const started = performance.now();
    try {
      return await call();
    } finally {
      this.spentMs += performance.now() - started;
    }
  }

  getContact(id: number, options?: CallOptions) {
    return this.time(() => this.inner.getContact(id, options));
  }
  verifyPin(id: number, attempt: string, options?: CallOptions) {
    return this.time(() => this.inner.verifyPin(id, attempt, options));
  }
  getLocation(id: number, options?: CallOptions) {
    return this.time(() => this.inner.getLocation(id, options));
  }
  findContactsByEmail(email: string, options?: CallOptions) {
    return this.time(() => this.inner.findContactsByEmail(email, options));
  }
  findContactsByPhone(digits: string, options?: CallOptions) {
    return this.time(() => this.inner.findContactsByPhone(digits, options));
  }
  listContacts(page: { limit: number; offset: number }, options?: CallOptions) {
    return this.time(() => this.inner.listContacts(page, options));
  }
  listAllContacts(pageSize: number, options?: PagingOptions<Contact>) {
    return this.time(() => this.inner.listAllContacts(pageSize, options));
  }
  listClients(page: { limit: number; offset: number }, options?: CallOptions) {
    return this.time(() => this.inner.listClients(page, options));
  }
  listAllClients(pageSize: number) {
    return this.time(() => this.inner.listAllClients(pageSize));
  }
  listAllLocations(pageSize: number) {
    return this.time(() => this.inner.listAllLocations(pageSize));
  }
  createContact(clientId: number, draft: ContactDraft, options?: CallOptions) {
    return this.time(() => this.inner.createContact(clientId, draft, options));
  }
  updateContact(contactId: number, draft: ContactDraft, options?: CallOptions) {
    return this.time(() => this.inner.updateContact(contactId, draft, options));
  }
  probeWriteAccess(clientId: number, options?: CallOptions) {
    return this.time(() => this.inner.probeWriteAccess(clientId, options));
  }
}
