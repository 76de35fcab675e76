// npm run bench: one table of medians and p99s measured in this run, then one line per target
// (design.md "Quality bars", issue 5 item 3). Exits 0 when a target is missed — the table is the
// output — and 1 when a scenario crashes.
//
// Rows: (a) find by email, directory vs direct ITFlow read; (b) name and partial-phone search;
// (c) ITFlow requests made by 100 concurrent identical finds; (d) Slack signed request → ack, real
// Bolt app in HTTP mode, 50 in flight (scenarios/slack-ack.ts); (e) RSS in child processes, the
// whole bot with Slack and Discord running, and the core alone (scenarios/memory.ts); (f) `npm start`
// to "Slack connected", warm and right after a source edit (scenarios/start-time.ts; alone:
// `npm run bench:start`); (g) caller ID over HTTP and (h) call pops (scenarios/calls.ts); (i) the
// list build vs ITFlow's one-request time, and the refresh peak (with (e)); (j) the terminal's exact
// lookups vs `help` (scenarios/cli.ts).
import { spawnSync } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { BENCH } from "./config.js";
import { type BenchEnv, startEnv } from "./env.js";
import { collectGarbage } from "./measure.js";
import { missingStartFlags, START_FLAGS } from "./node-flags.js";
import { runCalls } from "./scenarios/calls.js";
import { runTerminal } from "./scenarios/cli.js";
import { runCoalesce } from "./scenarios/coalesce.js";
import { runEmailFind } from "./scenarios/email-find.js";
import { runMemory } from "./scenarios/memory.js";
import { runSearch } from "./scenarios/search.js";
import { runSlackAck } from "./scenarios/slack-ack.js";
import { runStartTime } from "./scenarios/start-time.js";
import { fmtInt, renderTable, renderVerdicts } from "./table.js";
import type { Row, ScenarioResult, Verdict } from "./types.js";

interface Scenario {
  id: string;
  title: string;
  run(env: BenchEnv): Promise<ScenarioResult>;
}

// Run order, not print order: search and memory first, on the list exactly as generated (50,011
// contacts) — rows (a) and (c) add contacts to the fake and, once found, to the index.
const SCENARIOS: Scenario[] = [
  { id: "(b)", title: "name and partial-phone search", run: runSearch },
  { id: "(e)", title: "RSS with 50k contacts indexed, both adapters", run: runMemory },
  { id: "(a)", title: "find by email, directory vs direct", run: runEmailFind },
  { id: "(c)", title: "100 concurrent identical finds", run: runCoalesce },
  { id: "(d)", title: "Slack HTTP path", run: runSlackAck },
  { id: "(g)", title: "caller ID over HTTP, and call pops", run: runCalls },
  { id: "(j)", title: "terminal exact lookups at 50k", run: runTerminal },
  { id: "(f)", title: "npm start to connected", run: () => runStartTime() },
];

// BENCH_ONLY=g,d runs only those rows (for trying a change; quote numbers from full runs).
const only = (process.env.BENCH_ONLY ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const CHOSEN = only.length > 0 ? SCENARIOS.filter((s) => only.some((o) => s.id === `(${o})`)) : SCENARIOS;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<number> {
  const started = performance.now();
  const durations: string[] = [];
  const env = await startEnv();
  const indexed = env.directory.status();
  durations.push(`set-up ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const rows: Row[] = [];
  const verdicts: Verdict[] = [];
  let crashed = false;
  try {
    for (const scenario of CHOSEN) {
      collectGarbage();
      const scenarioStarted = performance.now();
      try {
        const result = await scenario.run(env);
        rows.push(...result.rows);
        verdicts.push(...result.verdicts);
      } catch (error) {
        crashed = true;
        rows.push({ id: scenario.id, what: scenario.title, result: `CRASHED: ${message(error)}` });
        verdicts.push({
          target: `${scenario.id} ${scenario.title}`,
          status: "CRASHED",
          detail: message(error),
        });
      }
      durations.push(`${scenario.id} ${((performance.now() - scenarioStarted) / 1000).toFixed(0)} s`);
    }
  } finally {
    await env.close();
  }

  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  const sortedRows = rows.map((row, i) => ({ row, i })).sort((a, b) => byId(a.row, b.row) || a.i - b.i);
  const sortedVerdicts = verdicts
    .map((v, i) => ({ v, i, id: v.target.slice(0, 3) }))
    .sort((a, b) => byId(a, b) || a.i - b.i);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const context =
    `ITFlow contact bot bench — fake ITFlow 26.08 on 127.0.0.1 (in this process) with ` +
    `${fmtInt(indexed.contacts)} contacts / ${fmtInt(indexed.clients)} clients; ` +
    `bot defaults (page ${BENCH.pageSize}, cache ${BENCH.cacheTtlMs / 1000} s); ` +
    `Node ${process.version}${START_FLAGS.length ? ` ${START_FLAGS.join(" ")} (as npm start)` : ""}, ${availableParallelism()} CPUs, load ${loadavg()[0]?.toFixed(1)}; p99 = nearest rank; ` +
    `run ${seconds} s (${durations.join(", ")})` +
    (BENCH.quick ? "; BENCH_QUICK=1 (iterations ÷4)" : "");
  process.stdout.write(
    `${context}\n\n${renderTable(sortedRows.map((r) => r.row))}\n\n${renderVerdicts(sortedVerdicts.map((s) => s.v))}\n`,
  );
  return crashed ? 1 : 0;
}

/** Runs this script again under the flags of `npm start`, so the bot's code runs as deployed. */
function rerunWithStartFlags(missing: string[]): number {
  const child = spawnSync(process.execPath, [...missing, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
  });
  return child.status ?? 1;
}

const missing = missingStartFlags();
if (missing.length > 0) process.exitCode = rerunWithStartFlags(missing);
else
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `bench failed before measuring: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
