// (a) Find by email: the directory versus a direct ITFlow read (ItflowClient.findContactsByEmail)
// on the same fake and the same emails, calls interleaved (order alternating) so both see the same
// machine noise. Two paths:
//   hit  — an address the index holds: the directory answers without ITFlow;
//   miss — an address created in the fake after the index was built: the directory must ask
//          ITFlow, so "directory − direct" is the bot's real overhead on an ITFlow round trip.
// The fake's email read scans every row, so its time varies by a few ms from call to call; the
// difference of two medians carries that noise. The directory's "own time" — each find minus the
// ITFlow read it made inside (TimedItflow) — is the same overhead measured on the same call.
// Each miss address is used once (once found it joins the index and the cache), then looked up
// again to show the repeat is answered without ITFlow.
import { BENCH } from "../config.js";
import { type BenchEnv, knownEmails } from "../env.js";
import { timed, warmUp } from "../measure.js";
import { everyNth } from "../random.js";
import { summarize } from "../stats.js";
import { fmtMs, fmtRatio } from "../table.js";
import type { ScenarioResult } from "../types.js";

const TARGET_MS = 3;

interface Pairs {
  direct: number[];
  directory: number[];
  /** Each directory find minus the time it spent inside ITFlow calls. */
  own: number[];
  directRows: number;
  directoryRows: number;
  directRequests: number;
  directoryRequests: number;
}

async function interleaved(env: BenchEnv, emails: readonly string[]): Promise<Pairs> {
  const out: Pairs = {
    direct: [],
    directory: [],
    own: [],
    directRows: 0,
    directoryRows: 0,
    directRequests: 0,
    directoryRequests: 0,
  };
  const direct = async (email: string) => {
    const before = env.fake.requests.length;
    const t = await timed(() => env.itflow.findContactsByEmail(email));
    out.directRequests += env.fake.requests.length - before;
    out.direct.push(t.ms);
    out.directRows += t.value.length;
  };
  const viaDirectory = async (email: string) => {
    const before = env.fake.requests.length;
    const inItflow = env.timing.spentMs;
    const t = await timed(() => env.find(email));
    out.own.push(t.ms - (env.timing.spentMs - inItflow));
    out.directoryRequests += env.fake.requests.length - before;
    out.directory.push(t.ms);
    out.directoryRows += t.value.length;
  };
  for (let i = 0; i < emails.length; i++) {
    const email = emails[i] as string;
    if (i % 2 === 0) {
      await direct(email);
      await viaDirectory(email);
    } else {
      await viaDirectory(email);
      await direct(email);
    }
    // The fake records every request; keep that list from growing for the whole run.
    if (env.fake.requests.length > 10_000) env.fake.clearRequests();
  }
  return out;
}

const perFind = (count: number, n: number) => (n === 0 ? "0" : (count / n).toFixed(2));

export async function runEmailFind(env: BenchEnv): Promise<ScenarioResult> {
  const known = knownEmails(env);
  const warmKnown = everyNth(known, Math.floor(known.length / BENCH.emailWarmUp), 7).slice(
    0,
    BENCH.emailWarmUp,
  );
  // Spread over the whole list: the index answers from a Map, the fake scans up to each row.
  const hitEmails = everyNth(known, Math.floor(known.length / BENCH.emailHits), 3).slice(0, BENCH.emailHits);

  // Warm-up: JIT, the connection pool, both paths, hit and miss.
  await warmUp(warmKnown, async (e) => {
    await env.itflow.findContactsByEmail(e);
    await env.find(e);
  });
  const warmMiss = Array.from({ length: BENCH.emailWarmUp }, () => env.addContact("warm").email);
  await warmUp(warmMiss, async (e) => {
    await env.itflow.findContactsByEmail(e);
    await env.find(e);
  });
  env.fake.clearRequests();

  const hit = await interleaved(env, hitEmails);
  const missEmails = Array.from({ length: BENCH.emailMisses }, () => env.addContact("miss").email);
  const miss = await interleaved(env, missEmails);

  // The same new addresses again: now in the index (and the cache), so no ITFlow call.
  const before = env.fake.requests.length;
  const repeat: number[] = [];
  let repeatRows = 0;
  for (const email of missEmails) {
    const t = await timed(() => env.find(email));
    repeat.push(t.ms);
    repeatRows += t.value.length;
  }
  const repeatRequests = env.fake.requests.length - before;

  const dHit = summarize(hit.direct);
  const yHit = summarize(hit.directory);
  const dMiss = summarize(miss.direct);
  const yMiss = summarize(miss.directory);
  const own = summarize(miss.own);
  const rep = summarize(repeat);
  const overhead = yMiss.median - dMiss.median;
  const n = hitEmails.length;
  const m = missEmails.length;

  return {
    rows: [
      {
        id: "(a)",
        what: "direct ITFlow read, known email",
        n: dHit.n,
        median: dHit.median,
        p99: dHit.p99,
        ratio: "1×",
        result: `${perFind(hit.directRequests, n)} req/find, ${perFind(hit.directRows, n)} rows/find`,
      },
      {
        id: "(a)",
        what: "directory find, known email (index hit)",
        n: yHit.n,
        median: yHit.median,
        p99: yHit.p99,
        ratio: fmtRatio(yHit.median / dHit.median),
        result: `${perFind(hit.directoryRequests, n)} req/find, ${perFind(hit.directoryRows, n)} rows/find`,
      },
      {
        id: "(a)",
        what: "direct ITFlow read, email new since index",
        n: dMiss.n,
        median: dMiss.median,
        p99: dMiss.p99,
        ratio: "1×",
        result: `${perFind(miss.directRequests, m)} req/find, ${perFind(miss.directRows, m)} rows/find`,
      },
      {
        id: "(a)",
        what: "directory find, email new since index (miss → ITFlow)",
        n: yMiss.n,
        median: yMiss.median,
        p99: yMiss.p99,
        ratio: fmtRatio(yMiss.median / dMiss.median),
        result: `overhead ${fmtMs(overhead, true)} (median − median), ${perFind(miss.directoryRequests, m)} req/find, ${perFind(miss.directoryRows, m)} rows/find`,
      },
      {
        id: "(a)",
        what: "  └ same finds, own time (find − its ITFlow read)",
        n: own.n,
        median: own.median,
        p99: own.p99,
        result: "overhead per call, free of the fake's call-to-call variance",
        target: `overhead ≤ ${TARGET_MS} ms median`,
      },
      {
        id: "(a)",
        what: "directory find, same new emails again (cached)",
        n: rep.n,
        median: rep.median,
        p99: rep.p99,
        ratio: fmtRatio(rep.median / dMiss.median),
        result: `${repeatRequests} ITFlow requests in ${m} finds, ${perFind(repeatRows, m)} rows/find`,
        target: "no ITFlow call",
      },
    ],
    verdicts: [
      {
        // Decided on the per-call overhead: the difference of the two medians moves by a few ms
        // from run to run with the fake's own variance (a ~20–40 ms table scan per call) and the
        // machine's load, so it is shown alongside but would make the verdict a coin toss.
        target: `(a) overhead ≤ ${TARGET_MS} ms median`,
        status: own.median <= TARGET_MS ? "MET" : "MISSED",
        detail:
          `${fmtMs(own.median)} per call on the miss path [find − its own ITFlow read], ${fmtMs(own.p99)} p99; ` +
          `median − median ${fmtMs(overhead, true)} (directory ${fmtMs(yMiss.median)} vs direct ${fmtMs(dMiss.median)}); ` +
          `index hits ${fmtMs(yHit.median)} vs ${fmtMs(dHit.median)} direct`,
      },
      {
        target: "(a) a cached find makes no ITFlow call",
        status: repeatRequests === 0 ? "MET" : "MISSED",
        detail: `${repeatRequests} requests for ${m} repeated finds`,
      },
    ],
  };
}
