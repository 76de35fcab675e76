// (g) Caller ID over HTTP against the running service: GET /calls/lookup and GET /calls/cid for
// numbers of the 50k contacts, back to back, p99 ≤ 5 ms. A lookup pops the caller's card (as a 3CX
// lookup does, once per number a minute): each number is first looked up CALL_EVERY_MS apart, a very
// busy PBX's pace, popping its card (context row), then again back to back, which is the answer
// alone; /calls/cid pops nothing. The requests come from their own process (calls-load.ts).
// (h) POST /calls/events → the pop at the fake Slack (chat.postMessage) and the fake Discord (channel
// message create), one call at a time, ≤ 300 ms; then 100 calls ringing at once → 100 messages in
// each, none twice.
// The bot runs in its own process (scenarios/calls-bot.ts) with Slack (HTTP mode) and Discord up, as
// `npm start` runs it; the fake ITFlow, Slack and Discord stay in this process.
import { SnowflakeUtil } from "discord.js";
import { Pool } from "undici";
import { startFakeDiscord } from "../../test/fakes/discord/index.js";
import { BOT_TOKEN, startFakeSlack } from "../../test/fakes/slack/index.js";
import { type Child, startChild } from "../child.js";
import { BENCH } from "../config.js";
import { type BenchEnv, slackBotEnv } from "../env.js";
import { createRandom, cycle } from "../random.js";
import { summarize } from "../stats.js";
import { fmtInt, fmtMs } from "../table.js";
import type { ScenarioResult } from "../types.js";
import type { CallsBotReady } from "./calls-bot.js";
import type { LoadReport } from "./calls-load.js";

const LOOKUP_TARGET_MS = 5;
const POP_TARGET_MS = 300;
const TOKEN = "bench-calls-token-0123456789abcdef0123456789";
const SLACK_CHANNEL = "C0HELPDESK";
const LOOKUPS = BENCH.quick ? 250 : 1000;
const WARM_UP = BENCH.quick ? 50 : 200;
const EVENTS = BENCH.quick ? 50 : 200;
const BURST = 100;
/**
 * 20 calls a second: far more than a helpdesk's PBX. Faster than that, each pop's Discord message
 * waits for discord.js's own cap of 50 requests a second (Discord's global limit for a bot).
 */
const CALL_EVERY_MS = 50;

/** Numbers of live contacts as a trunk would deliver them: E.164 when ITFlow knows the country. */
function knownNumbers(env: BenchEnv): string[] {
  const numbers: string[] = [];
  for (const c of env.generated) {
    if (c.contact_archived_at !== null || !c.contact_phone) continue;
    const cc = c.contact_phone_country_code;
    numbers.push(cc ? `+${cc}${c.contact_phone.replace(/^0/, "")}` : c.contact_phone);
  }
  return numbers;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const giveUp = Date.now() + ms;
  while (!check()) {
    if (Date.now() > giveUp) return false;
    await sleep(1);
  }
  return true;
}

export async function runCalls(env: BenchEnv): Promise<ScenarioResult> {
  const slack = await startFakeSlack({ botToken: BOT_TOKEN });
  const guildId = SnowflakeUtil.generate().toString();
  const channelId = SnowflakeUtil.generate().toString();
  const discord = await startFakeDiscord({ guilds: [{ id: guildId, name: "Helpdesk", channelId }] });
  let bot: Child | undefined;
  let loadChild: Child | undefined;
  let pool: Pool | undefined;
  try {
    bot = startChild("calls-bot.ts", [], {
      ...slackBotEnv(env.fake.url, slack.apiUrl),
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_GUILD_IDS: guildId,
      DISCORD_API_URL: discord.apiUrl,
      CALLS_PORT: "0",
      CALLS_TOKEN: TOKEN,
      CALLS_SLACK_CHANNEL: SLACK_CHANNEL,
      CALLS_DISCORD_CHANNEL: channelId,
    });
    const ready = JSON.parse(await bot.nextLine()) as CallsBotReady;
    pool = new Pool(`http://127.0.0.1:${ready.port}`, { connections: 4 });
    const client = pool;
    const post = async (body: unknown) => {
      const res = await client.request({
        path: "/calls/events",
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      await res.body.dump();
      if (res.statusCode !== 202) throw new Error(`/calls/events: ${res.statusCode}`);
    };

    // Pops still being posted (discord.js sends one channel's messages one after another) are
    // waited for between phases, so each phase is measured on its own. Numbers shared by several
    // contacts pop once a minute, so the count to wait for is not known: wait until it stops growing.
    const drained = async () => {
      const count = () => slack.callsTo("chat.postMessage").length + discord.channelMessages.size;
      for (let seen = -1; seen !== count(); ) {
        seen = count();
        await sleep(500);
      }
    };
    const pool50k = knownNumbers(env);
    const numbers = cycle(pool50k, WARM_UP + 3 * LOOKUPS + EVENTS + BURST, createRandom(BENCH.seed + 9));
    let next = 0;
    const take = (n: number) => {
      const chosen = numbers.slice(next, next + n);
      next += n;
      return chosen;
    };

    const load = startChild("calls-load.ts", []);
    loadChild = load;
    const measure = async (paths: string[], paceMs: number): Promise<LoadReport> => {
      const reply = load.nextLine();
      load.send({ port: ready.port, token: TOKEN, paths, paceMs });
      return JSON.parse(await reply) as LoadReport;
    };
    const lookupPath = (n: string) => `/calls/lookup?number=${encodeURIComponent(n)}`;
    await measure(take(WARM_UP).map(lookupPath), 0);
    await drained();
    // First each number is looked up as a call comes in, at a busy PBX's pace: it pops the card.
    const numbersL = take(LOOKUPS);
    const popping = await measure(numbersL.map(lookupPath), CALL_EVERY_MS);
    await drained();
    // Then the same numbers back to back (3CX looks a caller up again on a transfer): within the
    // minute a number pops once, so this is the answer alone, as fast as the PBX can ask.
    const lookups = await measure(numbersL.map(lookupPath), 0);
    const lookupMs = lookups.ms;
    const found = lookups.found;
    const cids = await measure(
      take(2 * LOOKUPS).map((n) => `/calls/cid?number=${encodeURIComponent(n)}`),
      0,
    );
    const cidMs = cids.ms;
    const named = cids.found;
    await drained();

    const slackMs: number[] = [];
    const discordMs: number[] = [];
    let missing = 0;
    for (const [i, n] of take(EVENTS).entries()) {
      const slackBefore = slack.callsTo("chat.postMessage").length;
      const discordBefore = discord.channelMessages.size;
      const paced = sleep(CALL_EVERY_MS);
      const sent = Date.now();
      await post({ event: "ringing", callId: `bench-${i}`, from: n });
      const arrived = await until(
        () =>
          slack.callsTo("chat.postMessage").length > slackBefore &&
          discord.channelMessages.size > discordBefore,
        5_000,
      );
      if (!arrived) {
        missing++;
        await paced;
        continue;
      }
      slackMs.push((slack.callsTo("chat.postMessage").at(-1)?.at ?? sent) - sent);
      const created = discord.requests
        .filter((r) => r.method === "POST" && r.path.endsWith("/messages"))
        .at(-1);
      discordMs.push((created?.at ?? sent) - sent);
      await paced;
    }

    await drained();
    const slackBefore = slack.callsTo("chat.postMessage").length;
    const discordBefore = discord.channelMessages.size;
    const burstStarted = Date.now();
    await Promise.all(take(BURST).map((n, i) => post({ event: "ringing", callId: `burst-${i}`, from: n })));
    await until(
      () =>
        slack.callsTo("chat.postMessage").length - slackBefore >= BURST &&
        discord.channelMessages.size - discordBefore >= BURST,
      30_000,
    );
    const burstMs = Date.now() - burstStarted;
    await sleep(1000);
    const burstSlack = slack.callsTo("chat.postMessage").slice(slackBefore);
    const burstDiscord = [...discord.channelMessages.values()].slice(discordBefore);
    const distinct = new Set(burstSlack.map((c) => String(c.body.text))).size;
    const burstOk = burstSlack.length === BURST && burstDiscord.length === BURST && distinct === BURST;

    const lookup = summarize(lookupMs);
    const firstLookup = summarize(popping.ms);
    const cid = summarize(cidMs);
    const toSlack = summarize(slackMs);
    const toDiscord = summarize(discordMs);
    const popWorst = Math.max(toSlack.p99, toDiscord.p99);
    return {
      rows: [
        {
          id: "(g)",
          what: "caller ID: GET /calls/lookup over HTTP (3CX JSON), back to back",
          n: lookup.n,
          median: lookup.median,
          p99: lookup.p99,
          result: `${fmtInt(found)} of ${fmtInt(lookup.n)} numbers found (each had popped its card a moment before)`,
          target: `p99 ≤ ${LOOKUP_TARGET_MS} ms`,
        },
        {
          id: "(g)",
          what: `  └ the same numbers' first lookups, one every ${CALL_EVERY_MS} ms, each popping the card`,
          n: firstLookup.n,
          median: firstLookup.median,
          p99: firstLookup.p99,
          result: "context: includes the process waking from idle between calls (~1.4 ms on this VM)",
        },
        {
          id: "(g)",
          what: "caller ID: GET /calls/cid over HTTP (caller name as text), back to back",
          n: cid.n,
          median: cid.median,
          p99: cid.p99,
          result: `${fmtInt(named)} of ${fmtInt(cid.n)} named`,
          target: `p99 ≤ ${LOOKUP_TARGET_MS} ms`,
        },
        {
          id: "(h)",
          what: `POST /calls/events ringing → chat.postMessage at Slack, one every ${CALL_EVERY_MS} ms`,
          n: toSlack.n,
          median: toSlack.median,
          p99: toSlack.p99,
          result: `Date.now() resolution; ${missing} missing`,
          target: `≤ ${POP_TARGET_MS} ms`,
        },
        {
          id: "(h)",
          what: `POST /calls/events ringing → message create at Discord, one every ${CALL_EVERY_MS} ms`,
          n: toDiscord.n,
          median: toDiscord.median,
          p99: toDiscord.p99,
          result: `Date.now() resolution; ${missing} missing`,
          target: `≤ ${POP_TARGET_MS} ms`,
        },
        {
          id: "(h)",
          what: `${BURST} calls ringing at once → messages`,
          result:
            `Slack ${burstSlack.length}, Discord ${burstDiscord.length}, ${distinct} distinct; ` +
            `all posted ${fmtMs(burstMs)} after the first event`,
          target: `${BURST} each, none twice`,
        },
      ],
      verdicts: [
        {
          target: `(g) caller-ID lookup ≤ ${LOOKUP_TARGET_MS} ms p99`,
          status: Math.max(lookup.p99, cid.p99) <= LOOKUP_TARGET_MS ? "MET" : "MISSED",
          detail: `/calls/lookup p99 ${fmtMs(lookup.p99)}, /calls/cid p99 ${fmtMs(cid.p99)} over ${fmtInt(ready.contacts)} contacts`,
        },
        {
          target: `(h) call event → pop ≤ ${POP_TARGET_MS} ms`,
          status: popWorst <= POP_TARGET_MS && missing === 0 ? "MET" : "MISSED",
          detail: `Slack p99 ${fmtMs(toSlack.p99)}, Discord p99 ${fmtMs(toDiscord.p99)}${missing ? `, ${missing} missing` : ""}`,
        },
        {
          target: `(h) ${BURST} concurrent calls → ${BURST} messages, none twice`,
          status: burstOk ? "MET" : "MISSED",
          detail: `Slack ${burstSlack.length}, Discord ${burstDiscord.length}, distinct ${distinct}`,
        },
      ],
    };
  } finally {
    await pool?.close();
    await loadChild?.close();
    await bot?.close();
    await discord.close();
    await slack.close();
  }
}
