// Sizes and iteration counts, chosen to keep a full run under ~2 minutes on a 2-core machine.
// The fake ITFlow answers an email read by scanning all 50,011 rows (like a table scan), which costs
// it ~15–30 ms per call; that, not the bot, is what bounds the iteration counts of row (a).
// BENCH_QUICK=1 divides the iteration counts by 4 (for trying changes, not for quoting numbers).

const quick = process.env.BENCH_QUICK === "1";
const scaled = (n: number) => (quick ? Math.max(20, Math.round(n / 4)) : n);

export const BENCH = {
  quick,
  /** Generated in the fake on top of its 11-contact / 3-client seed: 50,011 / 2,003 in all. */
  contacts: 50_000,
  clients: 2_000,
  seed: 1,
  /** The bot's defaults (src/config.ts): ITFLOW_PAGE_SIZE, CACHE_TTL_SECONDS, DIRECTORY_REFRESH_SECONDS, ITFLOW_TIMEOUT_MS. */
  pageSize: 2000,
  cacheTtlMs: 60_000,
  refreshMs: 300_000,
  timeoutMs: 5_000,
  region: "US" as const,
  apiKey: "KEY_ADMIN",

  /** (a) known emails: each looked up once directly and once through the directory. */
  emailHits: scaled(500),
  /** (a) emails created after the index was built: each looked up once each way. */
  emailMisses: scaled(400),
  emailWarmUp: scaled(40),
  /** (b) timed searches of each kind, drawn from a pool of distinct realistic queries. */
  searches: scaled(3000),
  searchWarmUp: scaled(300),
  /** (c) bursts of identical concurrent finds, alternating 0 ms and 50 ms extra fake latency. */
  bursts: 10,
  burstSize: 100,
  burstLatenciesMs: [0, 50] as const,
} as const;
