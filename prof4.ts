import { request } from "undici";
import { z } from "zod";
import { contactRowSchema } from "./src/itflow/wire.ts";
const r = await request(`http://127.0.0.1:18931/api/v1/contacts/read.php?api_key=KEY_ADMIN&limit=60000`);
const data = (JSON.parse(await r.body.text()) as {data: unknown[]}).data;
const arr = z.array(contactRowSchema);
for (let k = 0; k < 4; k++) {
  let t = performance.now(); for (const row of data) contactRowSchema.safeParse(row); const a = performance.now() - t;
  t = performance.now(); arr.safeParse(data); const b = performance.now() - t;
  t = performance.now(); const out = []; for (const row of data) { const x = row as Record<string, unknown>; out.push({ id: Number(x.contact_id), name: String(x.contact_name ?? ""), email: String(x.contact_email ?? ""), phone: String(x.contact_phone ?? "") , a: x.contact_title, b: x.contact_notes, c: x.contact_mobile, d: x.contact_created_at, e: x.contact_updated_at, f: x.contact_archived_at, g: x.contact_primary, h: x.contact_important, i: x.contact_billing, j: x.contact_technical, k: x.contact_department, l: x.contact_extension, m: x.contact_location_id, n: x.contact_client_id, o: x.contact_phone_country_code, p: x.contact_mobile_country_code}); } const c = performance.now() - t;
  console.log(`per-row safeParse ${a.toFixed(0)} ms, array safeParse ${b.toFixed(0)} ms, plain build ${c.toFixed(0)} ms`);
}
process.exit(0);
