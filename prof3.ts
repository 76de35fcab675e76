import { request } from "undici";
import { parseRows } from "./src/itflow/decode.ts";
import { contactRowSchema } from "./src/itflow/wire.ts";
const r = await request(`http://127.0.0.1:18931/api/v1/contacts/read.php?api_key=KEY_ADMIN&limit=60000`);
const data = (JSON.parse(await r.body.text()) as {data: unknown[]}).data;
for (let k = 0; k < 4; k++) { const t = performance.now(); parseRows(contactRowSchema, data, "contact"); console.log("decode", (performance.now() - t).toFixed(0), "ms"); }
process.exit(0);
