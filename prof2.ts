import { request } from "undici";
import { parseRows } from "./src/itflow/decode.ts";
import { contactRowSchema } from "./src/itflow/wire.ts";
import { phoneKeys } from "./src/contacts/phone.ts";
import { normalizeForSearch } from "./src/contacts/text.ts";
import { ContactIndex } from "./src/contacts/contact-index.ts";
const r = await request(`http://127.0.0.1:18931/api/v1/contacts/read.php?api_key=KEY_ADMIN&limit=60000`);
const rows = parseRows(contactRowSchema, (JSON.parse(await r.body.text()) as {data: unknown[]}).data, "contact");
for (let k = 0; k < 2; k++) {
let t = performance.now();
for (const c of rows) normalizeForSearch(c.name);
const tn = performance.now() - t; t = performance.now();
let n = 0;
for (const c of rows) { if (c.phone) n += phoneKeys(c.phone, c.phoneCountryCode, "US").length; if (c.mobile) n += phoneKeys(c.mobile, c.mobileCountryCode, "US").length; }
const tp = performance.now() - t; t = performance.now();
ContactIndex.from(rows, "US");
const ti = performance.now() - t;
console.log(`normalize ${tn.toFixed(0)} ms, phoneKeys ${tp.toFixed(0)} ms (${n} keys), full index ${ti.toFixed(0)} ms`);
}
process.exit(0);
