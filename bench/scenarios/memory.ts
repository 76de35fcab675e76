// (e) Memory of the bot with the whole list indexed, measured in separate Node processes
// (scenarios/memory-child.ts, run with --expose-gc so RSS is read after a full gc), each building
// the directory from this process's fake ITFlow:
//   core only — ItflowClient + ContactDirectory + MemoryStore (plus a background refresh);
//   both adapters — startCore + startSlack (HTTP mode) + startDiscord, as `npm start` runs them,
//     against a fake Slack and a fake Discord (gateway + REST) that run here, in this process, so
//     their memory is not counted; their URLs reach the child through its environment. Once both
//     adapters are up, this process sends finds through each (signed Slack slash commands to the
//     child's port, Discord interactions over the fake gateway), then the child idles and reports.
// The target (≤ 150 MB) is for the whole bot: the "both adapters" row.
//
// The child runs as plain JavaScript with the Node flags of `npm start` (bench/node-flags.ts), like
// the deployed bot: it is compiled first (tsc, no type check) into a temporary directory. Under the
// tsx loader the same process holds ~30–40 MB more (loader thread, transformed sources). If
// compiling fails, it runs under tsx and the row says so.
import { spawn } from "node:child_process";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SnowflakeUtil } from "discord.js";
import { PAGES_IN_FLIGHT } from "../../src/contacts/directory.js";
import { Interactions, newUserId, startFakeDiscord, type Who } from "../../test/fakes/discord/index.js";
import { SIGNING_SECRET, SlackPayloads, sendSigned, startFakeSlack } from "../../test/fakes/slack/index.js";
import { BENCH } from "../config.js";
import { type BenchEnv, slackBotEnv } from "../env.js";
import { startFakeProcess } from "../fake-process.js";
import { START_FLAGS } from "../node-flags.js";
import { median } from "../stats.js";
import { fmtInt, fmtMB, fmtMs, fmtRatio } from "../table.js";
import type { Row, ScenarioResult, Verdict } from "../types.js";
import type { AdaptersReport, BuildReport, MemoryReport } from "./memory-child.js";

const TARGET_MB = 150;
/** (i) The background refresh's peak: old and new list alive at once. */
const REFRESH_PEAK_TARGET_MB = 180;
/** (i) The start-up build at most this many times ITFlow's own time to send the list in one request. */
const BUILD_RATIO_TARGET = 1.5;
/**
 * What a real ITFlow spends per request besides the rows (PHP start-up, connecting to MariaDB). The
 * lab's 26.08.2 with 50,011 contacts (PHP's built-in server, 4 workers, MariaDB, this machine,
 * 2026-12-01) sent the whole list in 0.21–0.25 s in one request (curl; 0.24–0.32 s read by undici)
 * and, page after page, in 2.05 s in pages of 500, 0.56 s in pages of 2,000 and 0.34 s in pages of
 * 5,000: 15–18 ms a request on top of the rows. The fake, in a process of its own, spends about what
 * ITFlow does on the rows; row (i) adds this per request.
 */
const ITFLOW_REQUEST_OVERHEAD_MS = 15;
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const CHILD_TS = "bench/scenarios/memory-child.ts";
/** Finds sent through each adapter while the child runs, before it settles. */
const TRAFFIC = 20;

interface Output {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], timeoutMs: number): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Compiles the child and what it imports into `dir`; returns the entry file, or null on failure. */
async function compileChild(dir: string): Promise<string | null> {
  // TypeScript 7's package exports no "./bin/tsc": find the bin beside its package.json.
  const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
  // The flags mirror tsconfig.json; --noCheck because `npm run typecheck` does the checking;
  // --ignoreConfig because TypeScript 7 refuses files on the command line beside a tsconfig.json.
  const out = await run(
    [
      tsc,
      "--ignoreConfig",
      ...["--outDir", dir, "--rootDir", REPO, "--module", "NodeNext", "--moduleResolution", "NodeNext"],
      ...["--target", "ES2023", "--types", "node", "--skipLibCheck", "--noCheck", CHILD_TS],
    ],
    60_000,
  );
  if (out.code !== 0) {
    // Said out loud: a silent fallback once hid a compiler change that cost the row 30–40 MB.
    process.stderr.write(
      `memory child: tsc failed, running it under tsx instead:\n${out.stdout}${out.stderr}\n`,
    );
    return null;
  }
  await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
  await symlink(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  return join(dir, CHILD_TS.replace(/\.ts$/, ".js"));
}

/** How the child is started: compiled JS under plain node, or (if compiling failed) under tsx. */
interface ChildRuntime {
  args(url: string, mode: "core" | "adapters" | "build"): string[];
  label: string;
}

async function prepareChild(dir: string): Promise<ChildRuntime> {
  const compiled = await compileChild(dir);
  return compiled
    ? {
        args: (url, mode) => ["--expose-gc", ...START_FLAGS, compiled, url, mode],
        label: `plain node, compiled JS${START_FLAGS.length ? `, ${START_FLAGS.join(" ")} as in npm start` : ""}`,
      }
    : {
        args: (url, mode) => [
          ...process.execArgv.filter((a) => a !== "--expose-gc"),
          "--expose-gc",
          ...START_FLAGS,
          join(REPO, CHILD_TS),
          url,
          mode,
        ],
        label: "under the tsx loader (compile failed; +30–40 MB)",
      };
}

function lastJsonLine(out: Output): string {
  const line = out.stdout.trim().split("\n").pop() ?? "";
  if (out.code !== 0 || !line.startsWith("{")) {
    throw new Error(
      `memory child exited with ${out.signal ?? out.code}: ${out.stderr.trim() || out.stdout.trim()}`,
    );
  }
  return line;
}

/**
 * (i): in the child, against a fake of its own costing what a real ITFlow does per request, or
 * against a real ITFlow when BENCH_ITFLOW_URL and BENCH_ITFLOW_KEY are set (npm run bench:list).
 */
async function measureBuild(runtime: ChildRuntime): Promise<BuildReport> {
  const real = process.env.BENCH_ITFLOW_URL;
  if (real) {
    const out = await run(runtime.args(real, "build"), 180_000);
    return JSON.parse(lastJsonLine(out)) as BuildReport;
  }
  const fake = await startFakeProcess({
    contacts: BENCH.contacts,
    clients: BENCH.clients,
    seed: BENCH.seed,
    latencyMs: ITFLOW_REQUEST_OVERHEAD_MS,
  });
  try {
    const out = await run(runtime.args(fake.url, "build"), 180_000);
    return JSON.parse(lastJsonLine(out)) as BuildReport;
  } finally {
    await fake.close();
  }
}

/** Row (i)'s build rows and verdict, from one BuildReport. */
function buildRowsOf(b: BuildReport): { rows: Row[]; verdict: Verdict } {
  const one = median(b.oneRequestMs);
  const build = median(b.buildMs);
  const parsed = median(b.pagesParsedMs);
  const ratio = build / one;
  const real = process.env.BENCH_ITFLOW_URL;
  const sender = real ? `ITFlow at ${new URL(real).host}` : "ITFlow (the fake)";
  const rows: Row[] = [
    {
      id: "(i)",
      what: `whole contact list, ${fmtInt(b.contacts)} contacts: the bot's start-up build (defaults)`,
      n: b.buildMs.length,
      median: build,
      ratio: `${fmtRatio(ratio)} one request`,
      result: `each: ${b.buildMs.map((ms) => fmtMs(ms)).join(", ")}`,
      target: `≤ ${BUILD_RATIO_TARGET}× one request`,
    },
    {
      id: "(i)",
      what: `  └ ${sender} sending the same list in one request`,
      n: b.oneRequestMs.length,
      median: one,
      result: `${fmtMB(b.oneRequestBytes)} of JSON, read to the last byte${real ? "" : `; the fake costs ${ITFLOW_REQUEST_OVERHEAD_MS} ms per request as a real ITFlow does`}`,
    },
    {
      id: "(i)",
      what: `  └ the build's pages (${fmtInt(BENCH.pageSize)}, ${PAGES_IN_FLIGHT} in flight) only fetched and JSON.parse'd`,
      n: b.pagesParsedMs.length,
      median: parsed,
      ratio: `${fmtRatio(parsed / one)} one request`,
      result: "the floor of any build that reads every row: nothing checked, kept or indexed",
    },
  ];
  const verdict: Verdict = {
    target: `(i) list build ≤ ${BUILD_RATIO_TARGET}× ITFlow's one-request time`,
    status: ratio <= BUILD_RATIO_TARGET ? "MET" : "MISSED",
    detail: `build median ${fmtMs(build)} vs one request ${fmtMs(one)} (${fmtRatio(ratio)}); the same pages only fetched and parsed: ${fmtMs(parsed)} (${fmtRatio(parsed / one)})`,
  };
  return { rows, verdict };
}

/** Row (i)'s build alone (npm run bench:list), against the fake or BENCH_ITFLOW_URL. */
export async function runListBuild(): Promise<ScenarioResult> {
  const dir = await mkdtemp(join(tmpdir(), "itflow-bench-"));
  try {
    const { rows, verdict } = buildRowsOf(await measureBuild(await prepareChild(dir)));
    return { rows, verdicts: [verdict] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measureCore(runtime: ChildRuntime, url: string): Promise<MemoryReport> {
  const out = await run(runtime.args(url, "core"), 120_000);
  return JSON.parse(lastJsonLine(out)) as MemoryReport;
}

/** Live contacts' addresses, the first `count`. */
function someEmails(env: BenchEnv, count: number): string[] {
  const out: string[] = [];
  for (const c of env.generated) {
    const email = (c.contact_email ?? "").toLowerCase();
    if (c.contact_archived_at === null && email !== "" && !out.includes(email)) out.push(email);
    if (out.length >= count) break;
  }
  return out;
}

interface AdaptersResult {
  report: AdaptersReport;
  slackAnswered: number;
  discordAnswered: number;
}

/** The whole bot in the child; the fakes and the traffic here. */
async function measureAdapters(runtime: ChildRuntime, env: BenchEnv): Promise<AdaptersResult> {
  const slack = await startFakeSlack();
  const guildId = SnowflakeUtil.generate().toString();
  const channelId = SnowflakeUtil.generate().toString();
  const roleId = SnowflakeUtil.generate().toString();
  const discord = await startFakeDiscord({
    guilds: [{ id: guildId, name: "Helpdesk", channelId, roles: [{ id: roleId, name: "Techs" }] }],
  });
  const vars: Record<string, string> = {
    ...slackBotEnv(env.fake.url, slack.apiUrl),
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_GUILD_IDS: guildId,
    DISCORD_API_URL: discord.apiUrl,
  };
  const child = spawn(process.execPath, runtime.args(env.fake.url, "adapters"), {
    cwd: REPO,
    env: vars,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const closed = new Promise<Output>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  try {
    const ready = await new Promise<{ slackPort: number }>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8");
        const line = stdout.split("\n").find((l) => l.includes('"ready"'));
        if (line) resolve(JSON.parse(line) as { slackPort: number });
      });
      closed.then(
        (out) =>
          reject(
            new Error(
              `memory child exited with ${out.signal ?? out.code} before it was ready: ${out.stderr.trim() || out.stdout.trim()}`,
            ),
          ),
        reject,
      );
    });

    // Traffic through both adapters, so the child settles as a bot that has answered requests.
    const emails = someEmails(env, TRAFFIC);
    const endpoint = `http://127.0.0.1:${ready.slackPort}/slack/events`;
    const payloads = new SlackPayloads(slack);
    const ix = new Interactions(discord.applicationId);
    const tech: Who = { guildId, channelId, userId: newUserId(), username: "tech", roles: [roleId] };
    let slackAnswered = 0;
    let discordAnswered = 0;
    for (const email of emails) {
      const cmd = payloads.slashCommand(`find ${email}`);
      const reply = await sendSigned(endpoint, SIGNING_SECRET, cmd.form);
      const post = await slack.waitFor(() => slack.postsTo(cmd.responseUrl)[0], 10_000);
      if (reply.status === 200 && JSON.stringify(post.body).toLowerCase().includes(email)) slackAnswered++;
      const interaction = ix.slash(tech, "find", { query: email });
      discord.dispatch(interaction);
      const callback = await discord.callbackFor(interaction.id, 10_000);
      if (JSON.stringify(callback.body).toLowerCase().includes(email)) discordAnswered++;
    }
    child.stdin.end("go\n");
    const out = await closed;
    return {
      report: JSON.parse(lastJsonLine(out)) as AdaptersReport,
      slackAnswered,
      discordAnswered,
    };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await slack.close();
    await discord.close();
  }
}

export async function runMemory(env: BenchEnv): Promise<ScenarioResult> {
  const dir = await mkdtemp(join(tmpdir(), "itflow-bench-"));
  let r: MemoryReport;
  let a: AdaptersResult;
  let b: BuildReport;
  let runtime: string;
  try {
    const child = await prepareChild(dir);
    runtime = child.label;
    b = await measureBuild(child);
    r = await measureCore(child, env.fake.url);
    a = await measureAdapters(child, env);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const perContact = (r.settled.heapUsed - r.baseline.heapUsed) / r.contacts;
  const gcNote = r.gc ? "after gc" : "no gc (--expose-gc unavailable)";
  const label = `${fmtInt(r.contacts)} contacts / ${fmtInt(r.clients)} clients`;
  const full = a.report;
  const fullLabel = `${fmtInt(full.contacts)} contacts / ${fmtInt(full.clients)} clients`;
  // The headline is the bot as deployed (it never forces a gc); after a forced gc is context.
  const held = Math.max(full.idle.rss, full.settled.rss);
  const fullMB = held / 1e6;
  const delta = full.settled.rss - r.settled.rss;
  const target = `(e) RSS ≤ ${TARGET_MB} MB with both adapters and 50k contacts`;
  const traffic = `after ${a.slackAnswered}/${TRAFFIC} Slack and ${a.discordAnswered}/${TRAFFIC} Discord finds answered`;
  const refreshMB = r.refreshPeakRss / 1e6;
  const list = buildRowsOf(b);
  const buildRows: Row[] = [
    ...list.rows,
    {
      id: "(i)",
      what: "  └ peak RSS during a background refresh (old list answering meanwhile)",
      result: `${fmtMB(r.refreshPeakRss)}; refresh ${fmtMs(r.refreshMs)}`,
      target: `≤ ${REFRESH_PEAK_TARGET_MB} MB`,
    },
  ];
  const buildVerdicts: Verdict[] = [
    list.verdict,
    {
      target: `(i) refresh peak RSS ≤ ${REFRESH_PEAK_TARGET_MB} MB`,
      status: refreshMB <= REFRESH_PEAK_TARGET_MB ? "MET" : "MISSED",
      detail: `${fmtMB(r.refreshPeakRss)} (${runtime})`,
    },
  ];
  return {
    rows: [
      ...buildRows,
      {
        id: "(e)",
        what: `RSS, BOTH ADAPTERS (Slack HTTP + Discord), ${fullLabel} indexed`,
        result: `${fmtMB(held)} after ${full.settleMs / 1000} s idle, no forced gc (${fmtMB(full.settled.rss)} after one); ${traffic}; ${runtime}`,
        target: `≤ ${TARGET_MB} MB`,
      },
      {
        id: "(e)",
        what: "  └ vs core only (adapters' share)",
        result: `${delta >= 0 ? "+" : "−"}${fmtMB(Math.abs(delta))} RSS; heapUsed ${fmtMB(full.settled.heapUsed)} vs ${fmtMB(r.settled.heapUsed)}`,
      },
      {
        id: "(e)",
        what: "  └ RSS both adapters up / before start (modules loaded)",
        result: `${fmtMB(full.started.rss)} (right after start, after gc) / ${fmtMB(full.baseline.rss)}; build ${fmtMs(full.buildMs)}, peak RSS ${fmtMB(full.buildPeakRss)}`,
      },
      {
        id: "(e)",
        what: `RSS, CORE ONLY (no adapters), ${label} indexed`,
        result: `${fmtMB(r.settled.rss)} settled (${r.settleMs / 1000} s idle, ${gcNote}); ${runtime}`,
      },
      {
        id: "(e)",
        what: `  └ RSS right after the start-up build / before it`,
        result: `${fmtMB(r.indexed.rss)} (${gcNote}) / ${fmtMB(r.baseline.rss)} (modules loaded, nothing fetched)`,
      },
      {
        id: "(e)",
        what: "  └ heap held by the index",
        result: `+${fmtMB(r.settled.heapUsed - r.baseline.heapUsed)} heapUsed = ${(perContact / 1024).toFixed(2)} KB/contact`,
      },
      {
        id: "(e)",
        what: `  └ start-up build (paging, page size ${fmtInt(BENCH.pageSize)})`,
        result: `${fmtMs(r.buildMs)}; peak heapUsed ${fmtMB(r.buildPeakHeap)}, peak RSS ${fmtMB(r.buildPeakRss)}`,
      },
      {
        id: "(e)",
        what: "  └ background refresh (old and new list alive)",
        result: `${fmtMs(r.refreshMs)}; peak RSS ${fmtMB(r.refreshPeakRss)}`,
      },
    ],
    verdicts: [
      ...buildVerdicts,
      {
        target,
        status: fullMB <= TARGET_MB ? "MET" : "MISSED",
        detail:
          `${fmtMB(held)} after ${full.settleMs / 1000} s idle with Slack (HTTP) and Discord running, ${fullLabel}, ${traffic}; ` +
          `core alone ${fmtMB(r.settled.rss)} (adapters ${delta >= 0 ? "+" : "−"}${fmtMB(Math.abs(delta))}); ${runtime}`,
      },
    ],
  };
}
