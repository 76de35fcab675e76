// (j) The terminal at 50k: `itflow-contact find <email | number | #id>` answered by ITFlow's exact
// reads, without loading the contact list. Wall time from start to exit, next to `itflow-contact
// help`'s own in the same run (Node's start-up and the modules), within 0.25 s of it; and the
// process's peak memory, under 90 MB. The command runs as its bin does: compiled JS (dist/, built
// first if a source changed) under plain node, in a folder without .env. The fake ITFlow costs 20 ms
// per request, as a real one does (see scenarios/memory.ts).
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BENCH } from "../config.js";
import type { BenchEnv } from "../env.js";
import { median } from "../stats.js";
import { fmtMB, fmtMs } from "../table.js";
import type { Row, ScenarioResult, Verdict } from "../types.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = join(REPO, "dist/adapters/cli/main.js");
const WALL_MARGIN_MS = 250;
const MEMORY_TARGET_MB = 90;
const ITFLOW_REQUEST_OVERHEAD_MS = 20;
// Prints the process's peak RSS at exit, for the memory runs only (kept out of the timed ones).
const PEAK_RSS = `data:text/javascript,process.on("exit",()=>process.stderr.write("\\nPEAK_RSS_KB="+process.resourceUsage().maxRSS+"\\n"))`;

interface Run {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  extraNode: string[] = [],
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...extraNode, MAIN, ...args], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }));
  });
}

export async function runTerminal(env: BenchEnv): Promise<ScenarioResult> {
  const build = spawnSync(
    process.execPath,
    [join(REPO, "node_modules/typescript/bin/tsc"), "-b", "tsconfig.build.json"],
    {
      cwd: REPO,
      encoding: "utf8",
    },
  );
  if (build.status !== 0) throw new Error(`could not build dist/: ${build.stdout}${build.stderr}`);
  const cwd = await mkdtemp(join(tmpdir(), "bench-cli-"));
  const vars = { PATH: process.env.PATH ?? "", ITFLOW_URL: env.fake.url, ITFLOW_API_KEY: BENCH.apiKey };
  const live = env.generated.find(
    (c) => c.contact_archived_at === null && c.contact_email && c.contact_phone,
  );
  if (!live) throw new Error("no live contact with an email and a phone in the generated data");
  const cc = live.contact_phone_country_code;
  const queries: Array<[label: string, query: string]> = [
    ["email", live.contact_email ?? ""],
    ["phone", cc ? `+${cc} ${live.contact_phone}` : (live.contact_phone ?? "")],
    ["#id", `#${live.contact_id}`],
  ];
  const rounds = BENCH.quick ? 3 : 7;
  env.fake.setLatency(ITFLOW_REQUEST_OVERHEAD_MS);
  try {
    await runCli(["help"], vars, cwd); // file cache warm
    const help: number[] = [];
    const finds = new Map<string, number[]>(queries.map(([label]) => [label, []]));
    for (let round = 0; round < rounds; round++) {
      help.push((await runCli(["help"], vars, cwd)).ms);
      for (const [label, query] of queries) {
        const r = await runCli(["find", query], vars, cwd);
        if (r.code !== 0 || !r.stdout.includes(live.contact_name ?? "?")) {
          throw new Error(
            `find ${label} did not answer with the contact: ${r.code} ${r.stderr.slice(0, 300)}`,
          );
        }
        finds.get(label)?.push(r.ms);
      }
    }
    env.fake.clearRequests();
    const peaks: Array<[string, number]> = [];
    for (const [label, query] of queries) {
      const r = await runCli(["find", query], vars, cwd, ["--import", PEAK_RSS]);
      peaks.push([label, Number(/PEAK_RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? Number.NaN) * 1024]);
    }
    const listPages = env.fake.requests.filter(
      (r) => r.path.endsWith("contacts/read.php") && r.query.offset !== undefined,
    ).length;
    const helpMs = median(help);
    const rows: Row[] = [
      {
        id: "(j)",
        what: "terminal: itflow-contact help (Node start-up and modules)",
        n: help.length,
        median: helpMs,
        result: "the baseline the finds are compared with",
      },
    ];
    const verdicts: Verdict[] = [];
    let worstExtra = 0;
    for (const [label, samples] of finds) {
      const med = median(samples);
      worstExtra = Math.max(worstExtra, med - helpMs);
      rows.push({
        id: "(j)",
        what: `  └ itflow-contact find <${label}> at 50k (ITFlow's exact reads)`,
        n: samples.length,
        median: med,
        result: `+${fmtMs(med - helpMs)} over help; peak RSS ${fmtMB(peaks.find(([l]) => l === label)?.[1] ?? Number.NaN)}`,
        target: `≤ help + ${WALL_MARGIN_MS} ms, < ${MEMORY_TARGET_MB} MB`,
      });
    }
    const worstPeak = Math.max(...peaks.map(([, b]) => b));
    verdicts.push({
      target: `(j) terminal exact lookups within ${WALL_MARGIN_MS} ms of help, under ${MEMORY_TARGET_MB} MB`,
      status:
        worstExtra <= WALL_MARGIN_MS && worstPeak / 1e6 < MEMORY_TARGET_MB && listPages === 0
          ? "MET"
          : "MISSED",
      detail: `slowest +${fmtMs(worstExtra)} over help (${fmtMs(helpMs)}), peak RSS ${fmtMB(worstPeak)}, ${listPages} pages of the whole list asked for`,
    });
    return { rows, verdicts };
  } finally {
    env.fake.setLatency(0);
    await rm(cwd, { recursive: true, force: true });
  }
}
