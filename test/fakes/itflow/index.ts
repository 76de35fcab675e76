// A fake ITFlow API v1 server for tests and benchmarks. It reproduces the recorded behaviour of
// ITFlow 26.08.2 (and, by option, 26.07 and 25.12), quirks included; the contract test in
// test/contract/ replays the recordings against it.

export { PINS, seedWithPins } from "./pins.js";
export { contactsAnswer, MESSAGES } from "./responses.js";
export type { Cell, ClientRow, ContactRow, LocationRow } from "./rows.js";
export {
  buildClientRow,
  buildContactRow,
  buildLocationRow,
  CLIENT_COLUMNS,
  CONTACT_COLUMNS,
  LOCATION_COLUMNS,
} from "./rows.js";
export { DEFAULT_KEYS, loadDefaultSeed } from "./seed.js";
export { startFakeItflow } from "./server.js";
export type {
  CannedAnswer,
  CannedResponse,
  FakeApiKey,
  FakeItflow,
  FakeItflowOptions,
  FakeItflowVersion,
  FakeSeed,
  FakeState,
  GenerateOptions,
  RecordedRequest,
} from "./types.js";
