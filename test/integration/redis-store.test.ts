// Two bot replicas sharing one real Redis: claims, cached values and contact writes are seen by
// both. Skipped, with the reason printed, where redis-server is not installed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ContactDirectory } from "../../src/contacts/directory.js";
import { classifyQuery } from "../../src/contacts/query.js";
import { ItflowClient } from "../../src/itflow/client.js";
import { silentLogger } from "../../src/log.js";
import { openStore, type Store } from "../../src/store.js";
import { type FakeItflow, startFakeItflow } from "../fakes/itflow/index.js";
import { REDIS_SKIP_REASON, type RedisServer, startRedis } from "../support/redis-server.js";
import { Bot, createSubmission, editSubmission, expectView } from "./support/commands-harness.js";

if (REDIS_SKIP_REASON) console.warn(REDIS_SKIP_REASON);

describe.skipIf(REDIS_SKIP_REASON !== null)("Redis store shared by two replicas", () => {
  let redis: RedisServer;
  let fake: FakeItflow;
  const opened: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    redis = await startRedis();
    fake = await startFakeItflow();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
  });
  afterAll(async () => {
    await fake?.close();
    await redis?.stop();
  });

  const store = async (): Promise<Store> => {
    const s = await openStore(redis.url);
    opened.push(s);
    return s;
  };

  it("gives a claim to exactly one of many racing replicas, and back after release", async () => {
    const [a, b] = [await store(), await store()];
    const key = `race-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim(key, 10_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    await a.release(key);
    expect(await b.claim(key, 10_000)).toBe(true);
  });

  it("counts events in a sliding window across replicas: racing replicas fill exactly the limit", async () => {
    const [a, b] = [await store(), await store()];
    const key = `window-${Date.now()}`;
    const now = Date.now();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).hit(key, `e${i}`, now, 60_000, 5)),
    );
    expect(results.filter((r) => r.taken)).toHaveLength(5);
    expect(results.filter((r) => !r.taken).every((r) => r.count === 5)).toBe(true);
    expect(results.find((r) => !r.taken)?.oldestAt).toBe(now);
    // An event taken back frees its place; events older than the window stop counting.
    const kept = results.findIndex((r) => r.taken);
    await a.unhit(key, `e${kept}`);
    expect(await b.hit(key, "late", now + 1, 60_000, 5)).toEqual({ taken: true, count: 5, oldestAt: now });
    expect(await b.hit(key, "next-window", now + 60_000, 60_000, 5)).toEqual({
      taken: true,
      count: 2,
      oldestAt: now + 1,
    });
    await a.clearHits(key);
    expect((await b.hit(key, "fresh", now + 60_001, 60_000, 5)).count).toBe(1);
  });

  it("shares namespaced values with their TTL, and keeps namespaces apart", async () => {
    const [a, b] = [await store(), await store()];
    await a.namespace("forms").set("s1", { step: 2, values: { name: "Jane" } }, 200);
    expect(await b.namespace("forms").get("s1")).toEqual({ step: 2, values: { name: "Jane" } });
    expect(await b.namespace("lookup").get("s1")).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    expect(await b.namespace("forms").get("s1")).toBeUndefined();
    expect(await a.ping()).toBe(true);
  });

  it("the same form submission arriving at two replicas at once creates one contact", async () => {
    fake.reset();
    const [a, b] = [new Bot(fake, { store: await store() }), new Bot(fake, { store: await store() })];
    opened.push(a, b);
    fake.setLatency(100); // both replicas are mid-save at the same time
    const submission = createSubmission(1, { name: "Rita Replica", email: "rita@acme.example" });
    const [first, second] = await Promise.all([a.submit(submission), b.submit(submission)]);
    fake.setLatency(0);
    expect(fake.requests.filter((r) => r.path.endsWith("contacts/create.php"))).toHaveLength(1);
    expect(expectView(first, "card").contact.name).toBe("Rita Replica");
    expect(second).toEqual(first);
  });

  it("a form opened on one replica is saved through the other", async () => {
    fake.reset();
    const [a, b] = [new Bot(fake, { store: await store() }), new Bot(fake, { store: await store() })];
    opened.push(a, b);
    const form = await a.editForm({ contactId: 2 });
    const view = await b.submit(editSubmission(form, { title: "IT Director" }));
    expect(expectView(view, "card").saved?.changes.map((c) => c.key)).toEqual(["title"]);
    expect(fake.state.contacts.find((c) => c.contact_id === "2")?.contact_title).toBe("IT Director");
  });

  it("an edit through one replica is seen at once through the other", async () => {
    fake.reset();
    const replica = async () => {
      const itflow = new ItflowClient({ baseUrl: fake.url, apiKey: "KEY_ADMIN", timeoutMs: 2000 });
      opened.push(itflow);
      const directory = new ContactDirectory({
        itflow,
        store: await store(),
        region: "US",
        refreshMs: 300_000,
        cacheTtlMs: 60_000,
        pageSize: 100,
        logger: silentLogger(),
      });
      await directory.warm();
      return directory;
    };
    const [a, b] = [await replica(), await replica()];
    const [alice] = await b.find(classifyQuery("alice@acme.example", "US"));
    expect(alice?.contact.title).toBe("CEO");
    const row = await a.getFresh(1);
    if (!row) throw new Error("Alice missing");
    const { versionOf, draftOf } = await import("../../src/contacts/directory.js");
    const outcome = await a.update(
      1,
      { ...draftOf(row.contact), title: "Chief Executive" },
      versionOf(row.contact),
    );
    expect(outcome.kind).toBe("updated");
    const [seen] = await b.find(classifyQuery("alice@acme.example", "US"));
    expect(seen?.contact.title).toBe("Chief Executive");
    const [byName] = await b.find(classifyQuery("alice", "US"));
    expect(byName?.contact.title).toBe("Chief Executive");
  });
});

describe("openStore", () => {
  it("says plainly when Redis cannot be reached, without echoing the URL's password", async () => {
    await expect(openStore("redis://:hunter2secret@127.0.0.1:9")).rejects.toThrow(
      /Could not connect to Redis at STORE_URL/,
    );
    await expect(openStore("redis://:hunter2secret@127.0.0.1:9")).rejects.not.toThrow(/hunter2/);
  });
});
