// (e-core) Memory of the bot's core with the whole list indexed, measured in a separate Node process
// (scenarios/memory-child.ts, run with --expose-gc so RSS is read after a full gc) that builds the
// directory from this process's fake ITFlow. The target is for the whole bot with both chat
// adapters running; until they exist these rows measure the core alone and say so.
//
// The child runs as plain JavaScript, like the deployed bot (node dist/…): it is compiled first
// (tsc, no type check) into a temporary directory. Under the tsx loader the same process holds
// ~30–40 MB more (loader thread, transformed sources). If compiling fails, it runs under tsx and
// the row says so.
import { spawn } from "node:child_process";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchEnv } from "../env.js";
import { fmtInt, fmtMB, fmtMs } from "../table.js";
import type { ScenarioResult } from "../types.js";
import type { MemoryReport } from "./memory-child.js";

const TARGET_MB = 150;
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const CHILD_TS = "bench/scenarios/memory-child.ts";

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
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  // The flags mirror tsconfig.json; --noCheck because `npm run typecheck` does the checking.
  const out = await run(
    [
      tsc,
      ...["--outDir", dir, "--rootDir", REPO, "--module", "NodeNext", "--moduleResolution", "NodeNext"],
      ...["--target", "ES2023", "--types", "node", "--skipLibCheck", "--noCheck", CHILD_TS],
    ],
    60_000,
  );
  if (out.code !== 0) return null;
  await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
  await symlink(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  return join(dir, CHILD_TS.replace(/\.ts$/, ".js"));
}

async function measure(url: string): Promise<{ report: MemoryReport; runtime: string }> {
  const dir = await mkdtemp(join(tmpdir(), "itflow-bench-"));
  try {
    const compiled = await compileChild(dir);
    const args = compiled
      ? ["--expose-gc", compiled, url]
      : [...process.execArgv.filter((a) => a !== "--expose-gc"), "--expose-gc", join(REPO, CHILD_TS), url];
    const out = await run(args, 120_000);
    const line = out.stdout.trim().split("\n").pop() ?? "";
    if (out.code !== 0 || !line.startsWith("{")) {
      throw new Error(
        `memory child exited with ${out.signal ?? out.code}: ${out.stderr.trim() || out.stdout.trim()}`,
      );
    }
    return {
      report: JSON.parse(line) as MemoryReport,
      runtime: compiled ? "plain node, compiled JS" : "under the tsx loader (compile failed; +30–40 MB)",
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runMemory(env: BenchEnv): Promise<ScenarioResult> {
  const { report: r, runtime } = await measure(env.fake.url);
  const perContact = (r.settled.heapUsed - r.baseline.heapUsed) / r.contacts;
  const gcNote = r.gc ? "after gc" : "no gc (--expose-gc unavailable)";
  const label = `${fmtInt(r.contacts)} contacts / ${fmtInt(r.clients)} clients`;
  const settledMB = r.settled.rss / 1024 / 1024;
  const target = `(e) RSS ≤ ${TARGET_MB} MB with both adapters and 50k contacts`;
  const headline = `core alone ${fmtMB(r.settled.rss)} settled / ${fmtMB(r.indexed.rss)} right after the build (${gcNote}, ${runtime})`;
  const core = "CORE ONLY (no adapters)";
  return {
    rows: [
      {
        id: "(e)",
        what: `RSS, ${core}, ${label} indexed`,
        result: `${fmtMB(r.settled.rss)} settled (${r.settleMs / 1000} s idle, ${gcNote}); ${runtime}`,
        target: `≤ ${TARGET_MB} MB with both adapters`,
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
        what: "  └ start-up build (paging, page size 500)",
        result: `${fmtMs(r.buildMs)}; peak heapUsed ${fmtMB(r.buildPeakHeap)}, peak RSS ${fmtMB(r.buildPeakRss)}`,
      },
      {
        id: "(e)",
        what: "  └ background refresh (old and new list alive)",
        result: `${fmtMs(r.refreshMs)}; peak RSS ${fmtMB(r.refreshPeakRss)}`,
      },
      {
        id: "(e)",
        what: "RSS with both adapters running",
        result: "not measured yet (adapters pending)",
        target: `≤ ${TARGET_MB} MB`,
      },
    ],
    verdicts: [
      settledMB > TARGET_MB
        ? { target, status: "MISSED", detail: `${headline}, before any adapter is loaded` }
        : {
            target,
            status: "NOT MEASURED YET",
            detail: `adapters pending; ${headline}, leaving ${(TARGET_MB - settledMB).toFixed(1)} MB for the adapters`,
          },
    ],
  };
}
