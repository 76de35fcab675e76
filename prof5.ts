import { ContactDirectory } from "./src/contacts/directory.ts";
import { ItflowClient } from "./src/itflow/client.ts";
import { silentLogger } from "./src/log.ts";
import { MemoryStore } from "./src/store.ts";
import { request } from "undici";
const url = "http://127.0.0.1:18931";
for (const [pageSize, inFlight] of [[500, 1], [500, 4], [1000, 4], [2000, 4], [2000, 2], [5000, 3]] as const) {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const itflow = new ItflowClient({ baseUrl: url, apiKey: "KEY_ADMIN", timeoutMs: 5000, logger: silentLogger() });
    const d = new ContactDirectory({ itflow, store: new MemoryStore(), region: "US", refreshMs: 300000, cacheTtlMs: 60000, pageSize, pagesInFlight: inFlight, logger: silentLogger() });
    const t = performance.now(); await d.warm(); times.push(performance.now() - t); await itflow.close();
  }
  const t0 = performance.now(); const r = await request(`${url}/api/v1/contacts/read.php?api_key=KEY_ADMIN&limit=100000`); await r.body.text(); const one = performance.now() - t0;
  console.log(`page ${pageSize} × ${inFlight} in flight: ${times.map((t) => t.toFixed(0)).join(", ")} ms; one request ${one.toFixed(0)} ms`);
}
process.exit(0);
