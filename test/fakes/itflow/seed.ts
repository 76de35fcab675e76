// The default seed: the rows of test/fixtures/itflow/seed.json (the database the recordings were
// made against) plus the four placeholder API keys the recordings use.

import { readFileSync } from "node:fs";
import type { Cell } from "./rows.js";
import { CLIENT_COLUMNS, CONTACT_COLUMNS, LOCATION_COLUMNS, normaliseRow } from "./rows.js";
import type { FakeApiKey, FakeSeed, FakeState } from "./types.js";

// Relative to this module, not process.cwd(), so the fake works from any working directory.
const SEED_FILE = new URL("../../fixtures/itflow/seed.json", import.meta.url);

export const DEFAULT_KEYS: readonly FakeApiKey[] = [
  { apiKey: "KEY_ADMIN", clientIds: "all", level: 3 },
  { apiKey: "KEY_SCOPED_CLIENT1", clientIds: [1], level: 2 },
  { apiKey: "KEY_READONLY", clientIds: "all", level: 1 },
  { apiKey: "KEY_EXPIRED", clientIds: "all", level: 3, expired: true },
];

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

let cachedSeed: FakeSeed | undefined;

/** The recorded seed, read once per process; callers get their own copy. */
export function loadDefaultSeed(): FakeSeed {
  if (!cachedSeed) {
    const parsed: unknown = JSON.parse(readFileSync(SEED_FILE, "utf8"));
    const file = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
    cachedSeed = {
      clients: listOf(file.clients).map((row) => normaliseRow(CLIENT_COLUMNS, row)),
      locations: listOf(file.locations).map((row) => normaliseRow(LOCATION_COLUMNS, row)),
      contacts: listOf(file.contacts).map((row) => normaliseRow(CONTACT_COLUMNS, row)),
      keys: DEFAULT_KEYS.map(copyKey),
    };
  }
  return copySeed(cachedSeed);
}

function copyKey(key: FakeApiKey): FakeApiKey {
  return { ...key, clientIds: key.clientIds === "all" ? "all" : [...key.clientIds] };
}

export function copySeed(seed: FakeSeed): FakeSeed {
  return {
    clients: seed.clients.map((row) => ({ ...row })),
    locations: seed.locations.map((row) => ({ ...row })),
    contacts: seed.contacts.map((row) => ({ ...row })),
    keys: (seed.keys ?? DEFAULT_KEYS).map(copyKey),
  };
}

function nextIdAfter(ids: Cell[]): number {
  let max = 0;
  for (const id of ids) max = Math.max(max, Number(id) || 0);
  return max + 1;
}

/** A fresh database from a seed, with AUTO_INCREMENT counters just past the seeded ids. */
export function stateFromSeed(seed: FakeSeed): FakeState {
  const copy = copySeed(seed);
  return {
    contacts: copy.contacts,
    clients: copy.clients,
    locations: copy.locations,
    keys: copy.keys ?? [],
    autoIncrement: {
      contacts: nextIdAfter(copy.contacts.map((row) => row.contact_id)),
      clients: nextIdAfter(copy.clients.map((row) => row.client_id)),
      locations: nextIdAfter(copy.locations.map((row) => row.location_id)),
    },
  };
}

/** Replaces the contents of `target` with `source`, keeping the object tests hold a reference to. */
export function replaceState(target: FakeState, source: FakeState): void {
  target.contacts = source.contacts;
  target.clients = source.clients;
  target.locations = source.locations;
  target.keys = source.keys;
  target.autoIncrement = source.autoIncrement;
}

/** Takes the next id of a table the way InnoDB does: never below a row that already exists. */
export function takeNextId(state: FakeState, table: keyof FakeState["autoIncrement"], ids: Cell[]): number {
  const id = Math.max(state.autoIncrement[table], nextIdAfter(ids));
  state.autoIncrement[table] = id + 1;
  return id;
}
