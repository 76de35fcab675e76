import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { answerTurn, trackAcks } from "../../adapters/slack/ack-first.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("answers wait for acks", () => {
  const held: ServerResponse[] = [];
  const server = createServer((_req, res) => {
    held.push(res);
  });
  trackAcks(server);

  afterEach(() => {
    for (const res of held.splice(0)) res.end();
  });
  afterAll(() => {
    server.close();
  });

  async function heldRequest(): Promise<void> {
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    void request(`http://127.0.0.1:${port}/`, { method: "POST", body: "x" }).then((r) => r.body.text());
    while (held.length === 0) await sleep(1);
  }

  it("runs an answer only once the request waiting for its ack has been answered", async () => {
    await heldRequest();
    let ran = false;
    const turn = answerTurn().then(() => {
      ran = true;
    });
    await sleep(15);
    expect(ran).toBe(false);
    held.shift()?.end("ok");
    await turn;
    expect(ran).toBe(true);
  });

  it("does not let a request that is never answered hold answers back for good: they wait, then run", async () => {
    await heldRequest();
    const started = performance.now();
    await answerTurn();
    expect(performance.now() - started).toBeGreaterThanOrEqual(40);
  });
});
