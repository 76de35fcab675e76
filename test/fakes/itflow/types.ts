import type { ClientRow, ContactRow, LocationRow } from "./rows.js";

/** The ITFlow releases whose API behaviour the fake can reproduce. */
export type FakeItflowVersion = "26.08" | "26.07" | "25.12";

/**
 * An API key and the ITFlow user it runs as.
 * - 26.08: `clientIds` is the user's client allow-list ("all" = no list, every client), `level`
 *   the user's right on module_client (1 read, 2 create/update/archive, 3 delete).
 * - 26.07 / 25.12: there is no RBAC; a key is either for every client or bound to one client
 *   (`api_key_client_id`), which the fake takes as the first entry of `clientIds`.
 */
export interface FakeApiKey {
  apiKey: string;
  clientIds: number[] | "all";
  level: 1 | 2 | 3;
  /** An expired key is rejected like an unknown one (401 JSON). */
  expired?: boolean;
}

/** The rows a fake starts from (and returns to on reset()). */
export interface FakeSeed {
  clients: ClientRow[];
  locations: LocationRow[];
  contacts: ContactRow[];
  /** Defaults to KEY_ADMIN, KEY_SCOPED_CLIENT1, KEY_READONLY and KEY_EXPIRED. */
  keys?: FakeApiKey[];
}

/**
 * The fake's database. Tests may read and change it directly (push rows, add keys); rows must hold
 * every column (see buildContactRow and friends) so responses keep the real shape.
 */
export interface FakeState {
  contacts: ContactRow[];
  clients: ClientRow[];
  locations: LocationRow[];
  keys: FakeApiKey[];
  /** InnoDB-style AUTO_INCREMENT counters: the next id is max(counter, highest id + 1). */
  autoIncrement: { contacts: number; clients: number; locations: number };
}

export interface FakeItflowOptions {
  version?: FakeItflowVersion;
  seed?: FakeSeed;
  port?: number;
  /** Clock for created/updated/archived timestamps; defaults to the real time. */
  now?: () => Date;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The body as JSON when it parses, else the raw text, or null when there was none. */
  body: unknown;
  /** The key ITFlow would use (body before query, tags stripped and trimmed), if any was sent. */
  apiKey: string | undefined;
  at: number;
}

export interface CannedResponse {
  status: number;
  body: string;
  contentType?: string;
}

/**
 * A canned answer, or one made for the request it answers (e.g. rows that were not asked for);
 * a function that returns undefined lets ITFlow answer that request as it would.
 */
export type CannedAnswer = CannedResponse | ((request: RecordedRequest) => CannedResponse | undefined);

export interface GenerateOptions {
  contacts: number;
  clients: number;
  seed?: number;
}

export interface FakeItflow {
  url: string;
  requests: RecordedRequest[];
  clearRequests(): void;
  state: FakeState;
  setLatency(ms: number): void;
  failNext(count: number, response: CannedResponse): void;
  /**
   * Answers the next `count` requests with `answer` instead of what ITFlow would: a lying or an
   * oversized ITFlow. A function gets the request, so the answer can depend on what was asked.
   */
  respondNext(count: number, answer: CannedAnswer): void;
  /**
   * Holds requests until hang(false). With `only`, just the requests it accepts are held (e.g. the
   * pages of the contact list, while exact reads are answered).
   */
  hang(on: boolean, only?: (request: RecordedRequest) => boolean): void;
  generate(opts: GenerateOptions): void;
  reset(): void;
  close(): Promise<void>;
}
