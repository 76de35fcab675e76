import { ContactDirectory } from "./src/contacts/directory.ts";
import { ItflowClient } from "./src/itflow/client.ts";
import { silentLogger } from "./src/log.ts";
import { MemoryStore } from "./src/store.ts";
const url = "http://127.0.0.1:18931";
for (let i = 0; i < 4; i++) {
  const itflow = new ItflowClient({ baseUrl: url, apiKey: "KEY_ADMIN", timeoutMs: 5000, logger: silentLogger() });
  const d = new ContactDirectory({ itflow, store: new MemoryStore(), region: "US", refreshMs: 300000, cacheTtlMs: 60000, pageSize: 2000, pagesInFlight: 4, logger: silentLogger() });
  const t = performance.now(); await d.warm(); console.log((performance.now() - t).toFixed(0)); await itflow.close();
}
process.exit(0);
