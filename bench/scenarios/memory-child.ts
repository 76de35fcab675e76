// Run by scenarios/memory.ts in its own Node process (with --expose-gc), so the RSS it reports is
// the bot's and not the fakes' (fake ITFlow with its 50,000 rows, fake Slack, fake Discord live in
// the parent process that serves them). Two modes:
//   memory-child <ITFlow url> core      — the core alone: ItflowClient + ContactDirectory +
//                                          MemoryStore holding the whole list (MemoryReport).
//   memory-child <ITFlow url> adapters  — the whole bot as `npm start` builds it: startCore, the
//                                          directory built, startSlack (HTTP mode) and startDiscord,
//                                          configured from the environment the parent passes (fake
//                                          Slack and Discord URLs). Prints {"ready":true,"slackPort":N}
//                                          once both adapters are up, waits for a line on stdin (the
//                                          parent sends traffic through both meanwhile), then settles
//                                          and prints an AdaptersReport.
//   memory-child <ITFlow url> build     — how long the whole list takes: ITFlow sending it in one
//                                          request (read to the last byte, nothing decoded), the same
//                                          pages as the bot reads them only fetched and JSON.parse'd,
//                                          and the bot's start-up build with its defaults, ROUNDS
//                                          times each, alternating (BuildReport).
// Prints JSON lines on stdout and nothing else.
import { Writable } from "node:stream";
import { request } from "undici";
import { PAGES_IN_FLIGHT } from "../../src/contacts/directory.js";
import { BENCH } from "../config.js";
import { makeClient, makeDirectory } from "../core.js";

/**
 * How long the process idles after the start-up build (and, with adapters, the traffic) before
 * "settled" is read. V8 gives memory back to the system only in its memory reducer, which runs
 * once a process has been quiet for ~8–20 s; a bot spends most of its life like that, so a shorter
 * wait would report the start-up build's garbage rather than what the bot holds.
 */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 30_000);

export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export interface MemoryReport {
  gc: boolean;
  /** Modules loaded, client and directory constructed, nothing fetched. */
  baseline: MemorySample;
  /** Highest RSS / heapUsed sampled every 5 ms during the start-up build. */
  buildPeakRss: number;
  buildPeakHeap: number;
  /** Right after warm() (the start-up build) and a full gc. */
  indexed: MemorySample;
  /** After SETTLE_MS idle and a full gc: what a running bot holds. */
  settled: MemorySample;
  settleMs: number;
  buildMs: number;
  contacts: number;
  clients: number;
  /** Highest RSS sampled while a background refresh rebuilt the list (old and new both alive). */
  refreshPeakRss: number;
  refreshMs: number;
}

function sample(): MemorySample {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
}

function fullGc(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function") return false;
  // Twice: the first pass may only make weak and finalized objects collectable.
  gc();
  gc();
  return true;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Samples RSS and heapUsed every 5 ms until stopped; returns the peaks. */
function peakSampler(): () => { rss: number; heap: number } {
  let rss = 0;
  let heap = 0;
  const take = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  take();
  const timer = setInterval(take, 5);
  return () => {
    clearInterval(timer);
    take();
    return { rss, heap };
  };
}

export interface BuildReport {
  /** ITFlow's whole contact list in one request, each round. */
  oneRequestMs: number[];
  oneRequestBytes: number;
  /**
   * The contact pages the build reads (its page size, as many in flight), each only fetched and
   * JSON.parse'd: what any build that reads every row costs before it checks or indexes one.
   */
  pagesParsedMs: number[];
  /** The bot's start-up build (fresh client and directory), each round. */
  buildMs: number[];
  contacts: number;
}

const BUILD_ROUNDS = 5;

async function buildTimes(url: string): Promise<void> {
  const report: BuildReport = {
    oneRequestMs: [],
    oneRequestBytes: 0,
    pagesParsedMs: [],
    buildMs: [],
    contacts: 0,
  };
  // BENCH_ITFLOW_KEY: the key of a real ITFlow (npm run bench:list); the fake's otherwise.
  const apiKey = process.env.BENCH_ITFLOW_KEY ?? BENCH.apiKey;
  const whole = `${url}/api/v1/contacts/read.php?api_key=${encodeURIComponent(apiKey)}&limit=1000000`;
  // Once untimed: the fake's first whole list is its own warm-up (a real ITFlow is compiled PHP).
  await (await request(whole)).body.text();
  for (let round = 0; round < BUILD_ROUNDS; round++) {
    // Each measurement starts from a collected heap, not the previous one's garbage.
    globalThis.gc?.();
    let started = performance.now();
    const res = await request(whole);
    const body = await res.body.text();
    report.oneRequestMs.push(performance.now() - started);
    report.oneRequestBytes = Buffer.byteLength(body);
    globalThis.gc?.();
    started = performance.now();
    await fetchAndParsePages(url, apiKey);
    report.pagesParsedMs.push(performance.now() - started);
    const itflow = makeClient(url, apiKey);
    const directory = makeDirectory(itflow);
    globalThis.gc?.();
    started = performance.now();
    await directory.warm();
    report.buildMs.push(performance.now() - started);
    report.contacts = directory.status().contacts;
    await itflow.close();
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** The list page by page as the bot reads it, each page JSON.parse'd and dropped. */
async function fetchAndParsePages(url: string, apiKey: string): Promise<void> {
  let next = 0;
  let ended = false;
  const reader = async () => {
    while (!ended) {
      const offset = next;
      next += BENCH.pageSize;
      const page = `${url}/api/v1/contacts/read.php?api_key=${encodeURIComponent(apiKey)}&limit=${BENCH.pageSize}&offset=${offset}`;
      const parsed: unknown = JSON.parse(await (await request(page)).body.text());
      const rows = (parsed as { data?: unknown }).data;
      if (!Array.isArray(rows) || rows.length < BENCH.pageSize) ended = true;
    }
  };
  await Promise.all(Array.from({ length: PAGES_IN_FLIGHT }, reader));
}

export interface AdaptersReport {
  gc: boolean;
  /** Core and both adapters' modules loaded, nothing started. */
  baseline: MemorySample;
  buildMs: number;
  buildPeakRss: number;
  /** Both adapters up, directory built, after a full gc. */
  started: MemorySample;
  /** After the parent's traffic and SETTLE_MS idle, no forced gc: what the deployed bot holds. */
  idle: MemorySample;
  /** The same moment after a full gc. */
  settled: MemorySample;
  settleMs: number;
  contacts: number;
  clients: number;
}

/** A line on stdin from the parent. */
function nextLine(): Promise<void> {
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      if (!chunk.includes(10)) return;
      process.stdin.off("data", onData);
      process.stdin.pause();
      resolve();
    };
    process.stdin.on("data", onData);
    process.stdin.resume();
  });
}

async function adapters(): Promise<void> {
  // Loaded only in this mode, so the core-only child holds none of it.
  const { startCore } = await import("../../adapters/bootstrap.js");
  const { startSlack } = await import("../../adapters/slack/index.js");
  const { startDiscord } = await import("../../adapters/discord/client.js");
  const { loadCoreConfig } = await import("../../src/config.js");
  const { createLogger } = await import("../../src/log.js");
  // Logging at the configured level (info) like the bot, into a stream that drops the lines.
  const discard = new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
  const config = loadCoreConfig(process.env);
  const logger = createLogger({ level: config.logLevel, destination: discard });

  const gc = fullGc();
  const baseline = sample();
  const core = await startCore(config, logger);
  const stop = peakSampler();
  const started = performance.now();
  await core.ctx.directory.warm();
  const buildMs = performance.now() - started;
  const slack = await startSlack(core, process.env, logger);
  const discord = await startDiscord(core, process.env, logger);
  const buildPeak = stop();
  const status = core.ctx.directory.status();
  fullGc();
  const up = sample();
  process.stdout.write(`${JSON.stringify({ ready: true, slackPort: slack.port })}\n`);
  await nextLine();
  await sleep(SETTLE_MS);
  const idle = sample();
  fullGc();
  const settled = sample();
  await slack.stop();
  await discord.stop();
  await core.close();
  const report: AdaptersReport = {
    gc,
    baseline,
    buildMs,
    buildPeakRss: buildPeak.rss,
    started: up,
    idle,
    settled,
    settleMs: SETTLE_MS,
    contacts: status.contacts,
    clients: status.clients,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

async function main(): Promise<void> {
  const url = process.argv[2];
  if (!url) throw new Error("usage: memory-child <fake ITFlow url> [core|adapters|build]");
  if (process.argv[3] === "adapters") return adapters();
  if (process.argv[3] === "build") return buildTimes(url);
  let clock = Date.now();
  const itflow = makeClient(url);
  const directory = makeDirectory(itflow, () => clock);

  const gc = fullGc();
  const baseline = sample();

  let stop = peakSampler();
  let started = performance.now();
  await directory.warm();
  const buildMs = performance.now() - started;
  const buildPeak = stop();
  const status = directory.status();
  fullGc();
  const indexed = sample();
  await sleep(SETTLE_MS);
  fullGc();
  const settled = sample();

  // A background refresh: the old list keeps answering while the new one is fetched and built.
  const builtAt = status.builtAt;
  clock += 24 * 3600_000;
  stop = peakSampler();
  started = performance.now();
  directory.refreshIfStale();
  while (directory.status().builtAt === builtAt) {
    if (performance.now() - started > 90_000)
      throw new Error("the background refresh did not finish in 90 s");
    await sleep(10);
  }
  const refreshMs = performance.now() - started;
  const refreshPeak = stop();

  await itflow.close();
  const report: MemoryReport = {
    gc,
    baseline,
    buildPeakRss: buildPeak.rss,
    buildPeakHeap: buildPeak.heap,
    indexed,
    settled,
    settleMs: SETTLE_MS,
    buildMs,
    contacts: status.contacts,
    clients: status.clients,
    refreshPeakRss: refreshPeak.rss,
    refreshMs,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
  // discord.js and undici may keep handles open after stop(); the report is out, so leave.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
