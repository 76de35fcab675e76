// (c) 100 identical finds at once for an address the index does not have (created in the fake
// after the index was built), so each must be answered by ITFlow: how many requests reach the fake?
// Repeated in bursts with a fresh address each time, alternating no extra latency and 50 ms of it,
// so the finds overlap both a fast and a slow ITFlow.
import { BENCH } from "../config.js";
import type { BenchEnv } from "../env.js";
import { summarize } from "../stats.js";
import type { ScenarioResult } from "../types.js";

export async function runCoalesce(env: BenchEnv): Promise<ScenarioResult> {
  const perBurst: number[] = [];
  const latencies: number[] = [];
  let answered = 0;
  try {
    for (let burst = 0; burst < BENCH.bursts; burst++) {
      const extra = BENCH.burstLatenciesMs[burst % BENCH.burstLatenciesMs.length] ?? 0;
      const { email } = env.addContact("burst");
      env.fake.setLatency(extra);
      env.fake.clearRequests();
      const results = await Promise.all(
        Array.from({ length: BENCH.burstSize }, async () => {
          const started = performance.now();
          const rows = await env.find(email);
          return { ms: performance.now() - started, found: rows.length === 1 };
        }),
      );
      // Every request that reached the fake, whatever the endpoint.
      perBurst.push(env.fake.requests.length);
      for (const r of results) {
        latencies.push(r.ms);
        if (r.found) answered++;
      }
    }
  } finally {
    env.fake.setLatency(0);
  }
  const s = summarize(latencies);
  const total = BENCH.bursts * BENCH.burstSize;
  const allOne = perBurst.every((n) => n === 1);
  const counts = [...new Set(perBurst)].sort((a, b) => a - b).join("/");
  return {
    rows: [
      {
        id: "(c)",
        what: `${BENCH.burstSize} concurrent identical finds, new email (×${BENCH.bursts} bursts)`,
        n: s.n,
        median: s.median,
        p99: s.p99,
        result: `ITFlow requests per burst: ${counts}; ${answered}/${total} finds got the contact`,
        target: "exactly 1 request",
      },
    ],
    verdicts: [
      {
        target: `(c) ${BENCH.burstSize} concurrent identical finds make exactly 1 ITFlow request`,
        status: allOne && answered === total ? "MET" : "MISSED",
        detail: `requests per burst: ${perBurst.join(", ")}; ${answered}/${total} answered`,
      },
    ],
  };
}
