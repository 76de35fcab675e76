// Caller-verification PINs for tests and `npm run fake-itflow`. The recorded seed (seed.json) has
// none, like the ITFlow it was recorded from, and the contract replay needs it unchanged; PINs are
// set in ITFlow's web UI only, so here they are laid over a copy of the seed.
import { loadDefaultSeed } from "./seed.js";
import type { FakeSeed } from "./types.js";

/** Distinctive values, so a test scanning logs and payloads for them cannot hit them by chance. */
export const PINS = {
  /** Alice Anderson (Acme Corp). */
  1: "Quokka 7351",
  /** Dave Davies (Globex Ltd). */
  4: "marmot-2964",
} as const;

/** The recorded seed with PINS on their contacts; every other contact has none. */
export function seedWithPins(): FakeSeed {
  const seed = loadDefaultSeed();
  for (const [id, pin] of Object.entries(PINS)) {
    const row = seed.contacts.find((c) => c.contact_id === id);
    if (row) row.contact_pin = pin;
  }
  return seed;
}
