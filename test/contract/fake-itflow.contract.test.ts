// Keeps the fake ITFlow honest: every exchange recorded from a real server is replayed, in order,
// against a freshly seeded fake of the same version, and must get the same status, content type
// and body (timestamps masked). If the fake drifts from the recordings, this fails first.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeItflow, type FakeItflowVersion, startFakeItflow } from "../fakes/itflow/index.js";
import {
  type LiveResponse,
  loadExchanges,
  maskTimestamps,
  maskTimestampText,
  parseJson,
  type RecordedExchange,
  replay,
} from "./recording.js";

const RECORDINGS: { file: string; version: FakeItflowVersion; exchanges: number }[] = [
  { file: "head-26.08.2.json", version: "26.08", exchanges: 143 },
  { file: "v26.07.json", version: "26.07", exchanges: 23 },
  { file: "v25.12.json", version: "25.12", exchanges: 6 },
];

function expectSameAnswer(exchange: RecordedExchange, live: LiveResponse): void {
  const recorded = exchange.response;
  expect(live.status, "status").toBe(recorded.status);
  expect(live.contentType, "content type").toBe(recorded.contentType);

  // The web server's 404 page echoes the URL; its exact markup is not the API's business.
  if (recorded.status === 404 && recorded.body.startsWith("<!doctype html>")) {
    expect(live.body.startsWith("<!doctype html>"), "404 page").toBe(true);
    return;
  }
  const recordedJson = parseJson(recorded.body);
  if (!recordedJson.ok) {
    expect(live.body, "non-JSON body").toBe(recorded.body);
    return;
  }
  const liveJson = parseJson(live.body);
  expect(liveJson.ok, `body is JSON: ${live.body.slice(0, 200)}`).toBe(true);
  if (!liveJson.ok) return;
  expect(maskTimestamps(liveJson.value), "JSON body").toEqual(maskTimestamps(recordedJson.value));
  // Byte for byte too: key order, "\/" and \uXXXX escapes must match PHP's json_encode.
  expect(maskTimestampText(live.body), "raw body").toBe(maskTimestampText(recorded.body));
}

for (const recording of RECORDINGS) {
  const exchanges = loadExchanges(recording.file);

  describe(`replay ${recording.file} against a fresh ${recording.version} fake`, () => {
    let fake: FakeItflow;
    beforeAll(async () => {
      fake = await startFakeItflow({ version: recording.version });
    });
    afterAll(async () => {
      await fake.close();
    });

    it("holds every recorded exchange", () => {
      expect(exchanges).toHaveLength(recording.exchanges);
    });

    // Sequential on purpose: each exchange sees the state the previous ones left.
    for (const exchange of exchanges) {
      it(`#${exchange.id} ${exchange.title}`, async () => {
        const live = await replay(fake.url, exchange.request);
        expectSameAnswer(exchange, live);
      });
    }
  });
}
