// (f) `npm start` → the bot's "Slack connected" log line: the wall time a user, or a process manager
// restarting the bot, waits before Slack commands are answered. Measured on a copy of this checkout
// in a temporary folder (same sources, tsconfig, dist/ with its timestamps; node_modules linked), so
// that the "after a source edit" starts can edit a file without touching the working tree:
//   warm      — dist/ is up to date: `npm start` only checks that (tsc -b) and starts;
//   edited    — one source file changed just before: `npm start` recompiles, then starts.
// The bot runs in Socket Mode against the fake Slack and the fake ITFlow with its sample contacts, so
// the row measures the toolchain and start-up, not the size of the contact list (rows (a)–(e) do).
import { type ChildProcess, spawn } from "node:child_process";
import { appendFile, cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeItflow } from "../../test/fakes/itflow/index.js";
import { APP_TOKEN, BOT_TOKEN, startFakeSlack } from "../../test/fakes/slack/index.js";
import { BENCH } from "../config.js";
import { median } from "../stats.js";
import { fmtMs } from "../table.js";
import type { ScenarioResult } from "../types.js";

const TARGET_MS = 3_000;
const REPO = fileURLToPath(new URL("../../", import.meta.url));
/** What `npm start` reads; dist/ is copied with its timestamps so the copy is as warm as the checkout. */
const COPIED = [
  "package.json",
  "tsconfig.json",
  "tsconfig.build.json",
  "src",
  "commands",
  "adapters",
  "dist",
];
/** The file the "edited" starts change: imported by almost every module, like a real edit often is. */
const EDITED = "src/contacts/text.ts";
const CONNECTED = "Slack connected";
const GIVE_UP_MS = 60_000;

async function copyCheckout(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "bench-start-"));
  for (const entry of COPIED) {
    await cp(join(REPO, entry), join(dir, entry), { recursive: true, preserveTimestamps: true }).catch(
      (error: NodeJS.ErrnoException) => {
        // No dist/ yet: the first start below builds it.
        if (!(entry === "dist" && error.code === "ENOENT")) throw error;
      },
    );
  }
  await symlink(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** Runs `npm start` in `cwd` until the connected line; returns the wall time, then stops the bot. */
async function timeStart(cwd: string, env: Record<string, string>): Promise<number> {
  const started = performance.now();
  // Its own process group, so npm, the shell and the bot are stopped together.
  const child = spawn("npm", ["start", "--silent"], {
    cwd,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    const elapsed = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${CONNECTED}" within ${GIVE_UP_MS} ms`)),
        GIVE_UP_MS,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString("utf8");
        if (output.includes(CONNECTED)) {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited with ${code} before "${CONNECTED}":\n${output.slice(-2000)}`));
      });
    });
    return elapsed;
  } finally {
    await stop(child, exited);
  }
}

async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  process.kill(-child.pid, "SIGTERM");
  const killer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 15_000);
  await exited;
  clearTimeout(killer);
}

export async function runStartTime(): Promise<ScenarioResult> {
  const runs = BENCH.quick ? 3 : 7;
  const itflow = await startFakeItflow();
  const slack = await startFakeSlack();
  const dir = await copyCheckout();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? tmpdir(),
    npm_config_update_notifier: "false",
    ITFLOW_URL: itflow.url,
    ITFLOW_API_KEY: BENCH.apiKey,
    LOG_LEVEL: "info",
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_API_URL: slack.apiUrl,
  };
  try {
    // Brings dist/ up to date in the copy if the checkout's was not, and warms the OS file cache.
    await timeStart(dir, env);
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) warm.push(await timeStart(dir, env));
    const edited: number[] = [];
    for (let i = 0; i < runs; i++) {
      await appendFile(join(dir, EDITED), `\n// bench edit ${i}\n`);
      edited.push(await timeStart(dir, env));
    }
    const row = (label: string, samples: number[]) => {
      const med = median(samples);
      return {
        row: {
          id: "(f)",
          what: `npm start → "${CONNECTED}", ${label}`,
          n: samples.length,
          median: med,
          result: `each: ${samples.map((ms) => (ms / 1000).toFixed(2)).join(", ")} s`,
          target: `≤ 3 s median — ${med <= TARGET_MS ? "met" : "MISSED"}`,
        },
        verdict: {
          target: `(f) npm start to connected, ${label}, ≤ 3 s median`,
          status: med <= TARGET_MS ? ("MET" as const) : ("MISSED" as const),
          detail: fmtMs(med),
        },
      };
    };
    const rows = [row("warm checkout", warm), row(`right after editing ${EDITED}`, edited)];
    return { rows: rows.map((r) => r.row), verdicts: rows.map((r) => r.verdict) };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await slack.close();
    await itflow.close();
  }
}
