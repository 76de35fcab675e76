// (b) Name and partial-phone search over the 50,011-contact index, through the bot's real path
// (classifyQuery → ContactDirectory.find: index search, archived filter, scope check, ranking).
// Queries come from the generated data and are typed the way people type them: first names, last
// names, "first last" pairs, "first + initial", 3–4 letter prefixes, accent-free spellings
// ("jose muller"), and 4-digit tails or middles of stored numbers.
import { classifyQuery } from "../../src/contacts/query.js";
import { normalizeForSearch } from "../../src/contacts/text.js";
import { BENCH } from "../config.js";
import type { BenchEnv } from "../env.js";
import { observeGc, warmUp } from "../measure.js";
import { createRandom, cycle, everyNth } from "../random.js";
import { summarize } from "../stats.js";
import { fmtMs } from "../table.js";
import type { ScenarioResult } from "../types.js";

const TARGET_P99_MS = 2;

/** "Siobhán O'Brien" → "siobhan o'brien": what someone types on a keyboard without accents. */
function typed(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

function namePool(env: BenchEnv): string[] {
  const names = env.generated
    .filter((c) => c.contact_archived_at === null)
    .map((c) => c.contact_name ?? "")
    .filter((n) => n.includes(" "));
  const firsts = new Set<string>();
  const lasts = new Set<string>();
  for (const name of names) {
    const space = name.indexOf(" ");
    firsts.add(name.slice(0, space));
    lasts.add(name.slice(space + 1));
  }
  const pool = new Set<string>();
  for (const word of [...firsts, ...lasts]) {
    pool.add(word); // as stored: "Müller"
    pool.add(typed(word)); // as typed: "muller"
    if (word.length >= 4) pool.add(typed(word).slice(0, word.length >= 6 ? 4 : 3)); // "kowa", "jen"
  }
  for (const name of everyNth(names, Math.floor(names.length / 300), 11)) pool.add(typed(name));
  for (const name of everyNth(names, Math.floor(names.length / 100), 17)) {
    const [first, last] = [name.slice(0, name.indexOf(" ")), name.slice(name.indexOf(" ") + 1)];
    pool.add(`${typed(first)} ${typed(last).slice(0, 1)}`); // "mary s"
  }
  // Only what people type: letters, apostrophes, hyphens and spaces (not the seed's "<b>Hopper</b> & Co").
  return [...pool].filter((q) => /^[\p{L}' -]+$/u.test(q) && classifyQuery(q, BENCH.region).kind === "name");
}

function phonePool(env: BenchEnv): string[] {
  const numbers: string[] = [];
  for (const c of env.generated) {
    for (const n of [c.contact_phone, c.contact_mobile]) if (n && n.length >= 8) numbers.push(n);
  }
  const pool = new Set<string>();
  for (const n of everyNth(numbers, Math.floor(numbers.length / 600), 5)) pool.add(n.slice(-4)); // tail
  for (const n of everyNth(numbers, Math.floor(numbers.length / 200), 13)) pool.add(n.slice(3, 7)); // middle
  return [...pool].filter((q) => classifyQuery(q, BENCH.region).kind === "partialPhone");
}

/**
 * Not a latency: how many of the contacts a multi-word name query should find ("mary smith":
 * every live contact whose name holds every word) the directory returns, checked by a full scan
 * of the generated rows for queries with at most 150 such contacts (well under the 200-row cap).
 */
async function multiWordCompleteness(env: BenchEnv, pool: readonly string[]) {
  const live = env.generated
    .filter((c) => c.contact_archived_at === null)
    .map((c) => normalizeForSearch(c.contact_name ?? ""));
  let expected = 0;
  let found = 0;
  let queries = 0;
  let short = 0;
  for (const q of pool) {
    const words = normalizeForSearch(q).split(" ").filter(Boolean);
    if (words.length < 2 || words.some((w) => w.length < 2)) continue;
    const truth = live.filter((name) => words.every((w) => name.includes(w))).length;
    if (truth === 0 || truth > 150) continue;
    const got = (await env.find(q)).length;
    expected += truth;
    found += Math.min(got, truth);
    queries++;
    if (got < truth) short++;
    if (queries >= 100) break;
  }
  return { expected, found, queries, short };
}

export async function runSearch(env: BenchEnv): Promise<ScenarioResult> {
  const random = createRandom(BENCH.seed);
  const namesAvailable = namePool(env);
  const phonesAvailable = phonePool(env);
  const names = cycle(namesAvailable, BENCH.searches, random);
  const phones = cycle(phonesAvailable, BENCH.searches, random);

  await warmUp(names.slice(0, BENCH.searchWarmUp), (q) => env.find(q));
  await warmUp(phones.slice(0, BENCH.searchWarmUp), (q) => env.find(q));

  const before = env.fake.requests.length;
  const nameMs: number[] = [];
  const phoneMs: number[] = [];
  let nameRows = 0;
  let phoneRows = 0;
  let nameEmpty = 0;
  let phoneEmpty = 0;
  const stopGc = observeGc();
  for (let i = 0; i < BENCH.searches; i++) {
    // Alternate the kinds so both see the same machine noise (and the same garbage collections).
    const nameQuery = names[i] as string;
    const phoneQuery = phones[i] as string;
    let started = performance.now();
    const byName = await env.find(nameQuery);
    nameMs.push(performance.now() - started);
    started = performance.now();
    const byPhone = await env.find(phoneQuery);
    phoneMs.push(performance.now() - started);
    nameRows += byName.length;
    phoneRows += byPhone.length;
    if (byName.length === 0) nameEmpty++;
    if (byPhone.length === 0) phoneEmpty++;
  }
  const gc = await stopGc();
  const requests = env.fake.requests.length - before;
  const complete = await multiWordCompleteness(env, namesAvailable);
  const completeness =
    complete.queries === 0
      ? ""
      : `; "first last": ${((100 * complete.found) / complete.expected).toFixed(0)}% of matches returned (${complete.short}/${complete.queries} queries short)`;

  const n = summarize(nameMs);
  const p = summarize(phoneMs);
  const contacts = env.directory.status().contacts;
  const describe = (rows: number, empty: number, distinct: number) =>
    `${(rows / BENCH.searches).toFixed(0)} rows/query, ${empty} empty, ${distinct} distinct queries`;
  const met = n.p99 <= TARGET_P99_MS && p.p99 <= TARGET_P99_MS;
  return {
    rows: [
      {
        id: "(b)",
        what: `name search, ${contacts.toLocaleString("en-US")} contacts indexed`,
        n: n.n,
        median: n.median,
        p99: n.p99,
        result: `${describe(nameRows, nameEmpty, namesAvailable.length)}${completeness}`,
        target: `p99 ≤ ${TARGET_P99_MS} ms`,
      },
      {
        id: "(b)",
        what: "partial-phone search (4 digits)",
        n: p.n,
        median: p.median,
        p99: p.p99,
        result: `${describe(phoneRows, phoneEmpty, phonesAvailable.length)}${requests > 0 ? `, ${requests} ITFlow requests!` : ""}`,
        target: `p99 ≤ ${TARGET_P99_MS} ms`,
      },
      {
        id: "(b)",
        what: "  └ GC pauses during those searches",
        result:
          `${gc.pauses} pauses (${((100 * gc.pauses) / (BENCH.searches * 2)).toFixed(1)}% of searches), ` +
          `${fmtMs(gc.totalMs)} in all, longest ${fmtMs(gc.maxMs)}`,
      },
    ],
    verdicts: [
      {
        target: `(b) name and partial-phone search ≤ ${TARGET_P99_MS} ms p99`,
        status: met ? "MET" : "MISSED",
        detail: `name ${fmtMs(n.p99)}, partial phone ${fmtMs(p.p99)}; medians ${fmtMs(n.median)} and ${fmtMs(p.median)}; ${gc.pauses} GC pauses during the loop`,
      },
    ],
  };
}
