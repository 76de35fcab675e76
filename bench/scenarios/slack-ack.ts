// (d) Slack HTTP path: a correctly signed `/contact find <known email>` → the HTTP response (the
// ack), 50 requests in flight at a time, p99 ≤ 50 ms. The real bot: startCore + startSlack (Bolt's
// HTTP receiver on 127.0.0.1, SLACK_PORT=0) against a fake Slack Web API and the bench's fake
// ITFlow, answering from the bench's directory (already indexed), logging at the default level (info) into a
// discarding stream. Each round posts 50 signed requests at once, waits for every ack, then for
// every answer on its response_url (checked to name the email looked up) before the next round.
// "Slack" — the fake Web API and response_urls, and the signing load generator — runs in its own
// process (scenarios/slack-load.ts), as Slack is another machine; the fake ITFlow shares this
// process with the bot, but a known email is answered from the index, so it is not called.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { type Core, startCore } from "../../adapters/bootstrap.js";
import { type RunningSlack, startSlack } from "../../adapters/slack/index.js";
import { loadCoreConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { BOT_TOKEN, SIGNING_SECRET } from "../../test/fakes/slack/index.js";
import { BENCH } from "../config.js";
import type { BenchEnv } from "../env.js";
import { observeGc } from "../measure.js";
import { everyNth } from "../random.js";
import { summarize } from "../stats.js";
import { fmtInt, fmtMs } from "../table.js";
import type { ScenarioResult } from "../types.js";
import type { LoadResult } from "./slack-load.js";

export const SLACK_ACK_TARGET_MS = 50;
const CONCURRENCY = 50;
const ROUNDS = BENCH.quick ? 8 : 40;
const WARM_UP_ROUNDS = 2;
/** Requests sent one at a time afterwards, for context. */
const SINGLES = BENCH.quick ? 50 : 200;

/** Live contacts' addresses, each once, in id order (as row (a) picks them). */
function knownEmails(env: BenchEnv): string[] {
  const known: string[] = [];
  const seen = new Set<string>();
  for (const c of env.generated) {
    const email = (c.contact_email ?? "").toLowerCase();
    if (c.contact_archived_at !== null || email === "" || seen.has(email)) continue;
    seen.add(email);
    known.push(email);
  }
  return known;
}

interface RoundResult {
  acks: number[];
  answers: number[];
  badStatus: number;
  wrongAnswers: number;
  missingAnswers: number;
}

/** "Slack" in its own process (scenarios/slack-load.ts, under the same tsx loader). */
interface Load {
  apiUrl: string;
  setEndpoint(endpoint: string): void;
  round(emails: readonly string[]): Promise<LoadResult[]>;
  close(): Promise<void>;
}

async function startLoad(): Promise<Load> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(new URL("./slack-load.ts", import.meta.url)), SIGNING_SECRET],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  lines.on("line", (line) => waiting.shift()?.resolve(line));
  const exited = new Promise<void>((resolve) => {
    child.on("close", (code, signal) => {
      for (const w of waiting.splice(0)) {
        w.reject(new Error(`the Slack load process exited with ${signal ?? code}: ${stderr.trim()}`));
      }
      resolve();
    });
  });
  const nextLine = () => new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
  const send = (message: unknown) => child.stdin.write(`${JSON.stringify(message)}\n`);
  const { apiUrl } = JSON.parse(await nextLine()) as { apiUrl: string };
  return {
    apiUrl,
    setEndpoint: (endpoint) => send({ endpoint }),
    async round(emails) {
      const reply = nextLine();
      send({ emails });
      return JSON.parse(await reply) as LoadResult[];
    },
    async close() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function tally(results: LoadResult[]): RoundResult {
  const answers: number[] = [];
  for (const r of results) if (r.answerMs !== null) answers.push(r.answerMs);
  return {
    acks: results.map((r) => r.ackMs),
    answers,
    badStatus: results.filter((r) => r.status !== 200).length,
    wrongAnswers: results.filter((r) => r.answerMs !== null && !r.answerOk).length,
    missingAnswers: results.filter((r) => r.answerMs === null).length,
  };
}

export async function runSlackAck(env: BenchEnv): Promise<ScenarioResult> {
  const load = await startLoad();
  const vars: Record<string, string> = {
    ITFLOW_URL: env.fake.url,
    ITFLOW_API_KEY: BENCH.apiKey,
    LOG_LEVEL: "info",
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_PORT: "0",
    SLACK_HOST: "127.0.0.1",
    SLACK_API_URL: load.apiUrl,
  };
  let logLines = 0;
  const discard = new Writable({
    write(_chunk, _encoding, done) {
      logLines++;
      done();
    },
  });
  let core: Core | undefined;
  let running: RunningSlack | undefined;
  try {
    const config = loadCoreConfig(vars);
    const logger = createLogger({ level: config.logLevel, destination: discard });
    // The core as startCore builds it, with the bench's directory (same class and settings, list
    // already indexed from the same fake ITFlow) in place of a second 50k-contact build.
    const started = await startCore(config, logger);
    core = { ...started, ctx: { ...started.ctx, directory: env.directory } };
    const indexed = env.directory.status();
    running = await startSlack(core, vars, logger);
    const endpoint = `http://127.0.0.1:${running.port}/slack/events`;
    load.setEndpoint(endpoint);

    const known = knownEmails(env);
    const total = (ROUNDS + WARM_UP_ROUNDS) * CONCURRENCY;
    const emails = everyNth(known, Math.max(1, Math.floor(known.length / total)), 5);
    const batch = (r: number) => emails.slice(r * CONCURRENCY, (r + 1) * CONCURRENCY);

    for (let r = 0; r < WARM_UP_ROUNDS; r++) await load.round(batch(r));
    logLines = 0;
    const acks: number[] = [];
    const answers: number[] = [];
    let badStatus = 0;
    let wrongAnswers = 0;
    let missingAnswers = 0;
    const gcDone = observeGc();
    for (let r = WARM_UP_ROUNDS; r < ROUNDS + WARM_UP_ROUNDS; r++) {
      const result = tally(await load.round(batch(r)));
      acks.push(...result.acks);
      answers.push(...result.answers);
      badStatus += result.badStatus;
      wrongAnswers += result.wrongAnswers;
      missingAnswers += result.missingAnswers;
    }

    const gc = await gcDone();
    // Context: the same request alone (1 in flight), i.e. the per-request cost without queueing.
    const single: number[] = [];
    for (const email of emails.slice(0, SINGLES)) single.push(...tally(await load.round([email])).acks);

    const ack = summarize(acks);
    const answer = summarize(answers);
    const alone = summarize(single);
    const failures = badStatus + wrongAnswers + missingAnswers;
    const met = ack.p99 <= SLACK_ACK_TARGET_MS && failures === 0;
    const problems =
      failures === 0
        ? "every ack 200, every answer names its email"
        : `${badStatus} non-200 acks, ${missingAnswers} answers missing, ${wrongAnswers} not naming the email`;
    return {
      rows: [
        {
          id: "(d)",
          what: `Slack HTTP: signed /contact find <email> → ack, ${CONCURRENCY} concurrent`,
          n: ack.n,
          median: ack.median,
          p99: ack.p99,
          result: `${ROUNDS} rounds × ${CONCURRENCY}; max ${fmtMs(ack.max)}; ${problems}`,
          target: `p99 ≤ ${SLACK_ACK_TARGET_MS} ms`,
        },
        {
          id: "(d)",
          what: "  └ request sent → answer on the response_url",
          n: answer.n,
          median: answer.median,
          p99: answer.p99,
          result: `context (Date.now() resolution); ${fmtInt(logLines)} log lines at info`,
        },
        {
          id: "(d)",
          what: "  └ GC pauses in the bot's process during the 50-concurrent rounds",
          result:
            `${gc.pauses} pauses, ${fmtMs(gc.totalMs)} in all, longest ${fmtMs(gc.maxMs)} ` +
            "(the process also holds the fake ITFlow's 50k rows and the other rows' garbage)",
        },
        {
          id: "(d)",
          what: "  └ same request alone (1 in flight) → ack",
          n: alone.n,
          median: alone.median,
          p99: alone.p99,
          result: "context: per-request cost without queueing behind 49 others",
        },
        {
          id: "(d)",
          what: "  └ set-up",
          result:
            `real Bolt app (HTTP receiver) + startCore, answering from the bench's index (${fmtInt(indexed.contacts)} contacts / ` +
            `${fmtInt(indexed.clients)} clients); fake Slack + load generator in their own process`,
        },
      ],
      verdicts: [
        {
          target: `(d) Slack ack ≤ ${SLACK_ACK_TARGET_MS} ms p99`,
          status: met ? "MET" : "MISSED",
          detail:
            `p99 ${fmtMs(ack.p99)}, median ${fmtMs(ack.median)} over ${fmtInt(ack.n)} requests, ` +
            `${CONCURRENCY} in flight (alone: median ${fmtMs(alone.median)}); answer on response_url median ${fmtMs(answer.median)}; ` +
            `longest GC pause meanwhile ${fmtMs(gc.maxMs)}` +
            (failures === 0 ? "" : `; ${problems}`),
        },
      ],
    };
  } finally {
    await running?.stop();
    await core?.close();
    await load.close();
  }
}
