// (d) Slack HTTP path: a correctly signed `/contact find <known email>` → the HTTP response (the
// ack), 50 requests in flight at a time, p99 ≤ 50 ms. The real bot, in its own process
// (scenarios/slack-bot.ts) as it runs in production: startCore, the directory built from the bench's
// fake ITFlow, startSlack (Bolt's HTTP receiver on 127.0.0.1, SLACK_PORT=0), logging at the default
// level (info) into a discarding stream. The fake ITFlow and its 50k rows stay in this process — the
// real bot never holds ITFlow's database — and a known email is answered from the index, so it is
// not called during the rounds. Each round posts 50 signed requests at once, waits for every ack,
// then for every answer on its response_url (checked to name the email looked up) before the next.
// "Slack" — the fake Web API and response_urls, and the signing load generator — runs in a third
// process (scenarios/slack-load.ts), as Slack is another machine.
import { SIGNING_SECRET } from "../../test/fakes/slack/index.js";
import { startChild } from "../child.js";
import { BENCH } from "../config.js";
import { type BenchEnv, knownEmails, slackBotEnv } from "../env.js";
import { everyNth } from "../random.js";
import { summarize } from "../stats.js";
import { fmtInt, fmtMs } from "../table.js";
import type { ScenarioResult } from "../types.js";
import type { BotReady, BotReport } from "./slack-bot.js";
import type { LoadResult } from "./slack-load.js";

export const SLACK_ACK_TARGET_MS = 50;
const CONCURRENCY = 50;
const ROUNDS = BENCH.quick ? 8 : 40;
const WARM_UP_ROUNDS = 2;
/** Requests sent one at a time afterwards, for context. */
const SINGLES = BENCH.quick ? 50 : 200;

interface RoundResult {
  acks: number[];
  answers: number[];
  badStatus: number;
  wrongAnswers: number;
  missingAnswers: number;
}

/** "Slack" in its own process (scenarios/slack-load.ts). */
interface Load {
  apiUrl: string;
  setEndpoint(endpoint: string): void;
  round(emails: readonly string[]): Promise<LoadResult[]>;
  close(): Promise<void>;
}

async function startLoad(): Promise<Load> {
  const child = startChild("./slack-load.ts", [SIGNING_SECRET]);
  try {
    const { apiUrl } = JSON.parse(await child.nextLine()) as { apiUrl: string };
    return {
      apiUrl,
      setEndpoint: (endpoint) => child.send({ endpoint }),
      async round(emails) {
        const reply = child.nextLine();
        child.send({ emails });
        return JSON.parse(await reply) as LoadResult[];
      },
      close: () => child.close(),
    };
  } catch (error) {
    await child.close();
    throw error;
  }
}

/** The bot in its own process (scenarios/slack-bot.ts), up and listening. */
interface Bot extends BotReady {
  /** From now on count log lines and record GC pauses (after the warm-up rounds). */
  measure(): void;
  report(): Promise<BotReport>;
  close(): Promise<void>;
}

async function startBot(vars: Record<string, string>): Promise<Bot> {
  const child = startChild("./slack-bot.ts", [], vars);
  try {
    const ready = JSON.parse(await child.nextLine()) as BotReady;
    return {
      ...ready,
      measure: () => child.send({ measure: true }),
      async report() {
        const reply = child.nextLine();
        child.send({ report: true });
        return JSON.parse(await reply) as BotReport;
      },
      close: () => child.close(),
    };
  } catch (error) {
    await child.close();
    throw error;
  }
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
  let bot: Bot | undefined;
  try {
    bot = await startBot(slackBotEnv(env.fake.url, load.apiUrl));
    load.setEndpoint(`http://127.0.0.1:${bot.port}/slack/events`);

    const known = knownEmails(env);
    const total = (ROUNDS + WARM_UP_ROUNDS) * CONCURRENCY;
    const emails = everyNth(known, Math.max(1, Math.floor(known.length / total)), 5);
    const batch = (r: number) => emails.slice(r * CONCURRENCY, (r + 1) * CONCURRENCY);

    for (let r = 0; r < WARM_UP_ROUNDS; r++) await load.round(batch(r));
    bot.measure();
    const acks: number[] = [];
    const answers: number[] = [];
    let badStatus = 0;
    let wrongAnswers = 0;
    let missingAnswers = 0;
    for (let r = WARM_UP_ROUNDS; r < ROUNDS + WARM_UP_ROUNDS; r++) {
      const result = tally(await load.round(batch(r)));
      acks.push(...result.acks);
      answers.push(...result.answers);
      badStatus += result.badStatus;
      wrongAnswers += result.wrongAnswers;
      missingAnswers += result.missingAnswers;
    }

    const { gc, logLines, cpuMs } = await bot.report();
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
          what: "  └ the bot's process during the 50-concurrent rounds: CPU, GC pauses",
          result:
            `CPU ${fmtMs(cpuMs / acks.length)} per request (ack and answer); GC ${gc.pauses} pauses, ` +
            `${fmtMs(gc.totalMs)} in all, longest ${fmtMs(gc.maxMs)}`,
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
            `real Bolt app (HTTP receiver) + startCore in its own process, index built at start from the fake ITFlow ` +
            `(${fmtInt(bot.contacts)} contacts / ${fmtInt(bot.clients)} clients); fake Slack + load generator in a third process`,
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
    await bot?.close();
    await load.close();
  }
}
