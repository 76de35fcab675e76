// Run by scenarios/calls.ts in its own process: the phone system asking the caller-ID service, so
// the latencies it measures are not stretched by garbage collection in the bench's process (which
// holds the fake ITFlow's 50,000 rows and the fake Slack and Discord). Protocol, one JSON line each:
//   ← stdin  {"port": N, "token": "…", "paths": ["/calls/lookup?number=…", …], "paceMs": 50}
//   → stdout {"ms": [..], "found": n}      each request's time; how many answers named someone
//   stdin closed                          exit
import { createInterface } from "node:readline";
import { Pool } from "undici";

interface Job {
  port: number;
  token: string;
  paths: string[];
  paceMs: number;
}

export interface LoadReport {
  ms: number[];
  found: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const job = JSON.parse(line) as Job;
  const pool = new Pool(`http://127.0.0.1:${job.port}`, { connections: 1 });
  const report: LoadReport = { ms: [], found: 0 };
  for (const path of job.paths) {
    const paced = sleep(job.paceMs);
    const started = performance.now();
    const res = await pool.request({
      path,
      method: "GET",
      headers: { authorization: `Bearer ${job.token}` },
    });
    const body = await res.body.text();
    report.ms.push(performance.now() - started);
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${body}`);
    // JSON with contacts for /calls/lookup, a name for /calls/cid: either way someone was named.
    if (body !== "" && !body.includes('"contacts":[]')) report.found++;
    await paced;
  }
  await pool.close();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
