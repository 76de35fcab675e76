// Run by scenarios/memory.ts in its own Node process (with --expose-gc), so the RSS it reports is
// the bot's core alone — ItflowClient + ContactDirectory + MemoryStore holding the whole list —
// and not the fake ITFlow's 50,000 rows, which live in the parent process that serves it.
// Prints one JSON line (MemoryReport) on stdout and nothing else.
import { makeClient, makeDirectory } from "../core.js";

/** How long the process idles after the start-up build before "settled" is read. */
const SETTLE_MS = 6_000;

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

async function main(): Promise<void> {
  const url = process.argv[2];
  if (!url) throw new Error("usage: memory-child <fake ITFlow url>");
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

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
