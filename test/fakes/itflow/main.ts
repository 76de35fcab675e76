// Runs the fake ITFlow on its own, for trying the bot without a real ITFlow:
//   npm run fake-itflow -- [--port 8080] [--version 26.08|26.07|25.12] [--contacts 50000 --clients 2000]
//                          [--seed 1] [--latency-ms 20]
// --port 0 takes a free port (the first line printed names it); --latency-ms delays every answer,
// as a real ITFlow spends ~15-20 ms per request starting PHP and connecting to its database.
// Keys: KEY_ADMIN, KEY_SCOPED_CLIENT1 (client 1 only), KEY_READONLY, KEY_EXPIRED.
import { parseArgs } from "node:util";
import { seedWithPins, startFakeItflow } from "./index.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8080" },
    version: { type: "string", default: "26.08" },
    contacts: { type: "string", default: "0" },
    clients: { type: "string", default: "0" },
    seed: { type: "string", default: "1" },
    "latency-ms": { type: "string", default: "0" },
  },
});
const version = values.version === "26.07" || values.version === "25.12" ? values.version : "26.08";

async function main(): Promise<void> {
  // With PINs on two contacts, so `verify` can be tried too (see pins.ts).
  const fake = await startFakeItflow({ port: Number(values.port), version, seed: seedWithPins() });
  const contacts = Number(values.contacts);
  if (contacts > 0) {
    fake.generate({
      contacts,
      clients: Math.max(1, Number(values.clients) || 1),
      seed: Number(values.seed) || 1,
    });
  }
  fake.setLatency(Math.max(0, Number(values["latency-ms"]) || 0));
  process.stdout.write(
    `fake ITFlow ${version} listening on ${fake.url} (seeded from test/fixtures/itflow/seed.json; PINs in test/fakes/itflow/pins.ts)\n`,
  );
  const stop = () => {
    fake.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
