import { request } from "undici";
import { ContactIndex } from "./src/contacts/contact-index.ts";
import { parseRows } from "./src/itflow/decode.ts";
import { contactRowSchema } from "./src/itflow/wire.ts";
import { makeClient, makeDirectory } from "./bench/core.ts";
const url = "http://127.0.0.1:18931";
for (let i = 0; i < 2; i++) {
  let t = performance.now();
  const r = await request(`${url}/api/v1/contacts/read.php?api_key=KEY_ADMIN&limit=60000`);
  const text = await r.body.text();
  const tFetch = performance.now() - t; t = performance.now();
  const json = JSON.parse(text) as { data: unknown[] };
  const tParse = performance.now() - t; t = performance.now();
  const rows = parseRows(contactRowSchema, json.data, "contact");
  const tDecode = performance.now() - t; t = performance.now();
  const index = await ContactIndex.build(rows, "US", { now: Date.now() });
  const tIndex = performance.now() - t;
  const fromT = performance.now(); ContactIndex.from(rows, "US"); const tFrom = performance.now() - fromT;
  console.log(`one request: fetch ${tFetch.toFixed(0)} ms (${(text.length/1e6).toFixed(1)} MB), JSON.parse ${tParse.toFixed(0)}, decode ${tDecode.toFixed(0)}, index build ${tIndex.toFixed(0)} (sync ${tFrom.toFixed(0)}) size ${index.size}`);
}
for (let i = 0; i < 2; i++) {
  const d = makeDirectory(makeClient(url));
  const t = performance.now(); await d.warm(); console.log("directory.warm (page 500):", (performance.now() - t).toFixed(0), "ms");
}
process.exit(0);
