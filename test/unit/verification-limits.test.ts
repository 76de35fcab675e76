// The attempt limits over time, on the in-memory store with a clock the test moves: when a lock
// starts and ends, when old failures stop counting, when a technician's attempts free up.
import { afterEach, describe, expect, it } from "vitest";
import { type Gate, type Ticket, VerificationLimits } from "../../src/contacts/verification-limits.js";
import { MemoryStore } from "../../src/store.js";

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 1, 9, 0);

function ticketOf(gate: Gate): Ticket {
  if (gate.kind !== "go") throw new Error(`expected to go ahead, got ${JSON.stringify(gate)}`);
  return gate.ticket;
}

describe("VerificationLimits", () => {
  const store = new MemoryStore();
  let now = T0;
  const limits = new VerificationLimits(store, () => now);
  afterEach(async () => {
    await store.close();
    now = T0;
  });

  const fail = async (tech = "slack:T1:U1", contact = 1) =>
    limits.finish(ticketOf(await limits.begin(tech, contact)), "noMatch");

  it("locks a contact for 15 minutes from its third failure, then gives three fresh tries", async () => {
    expect(await fail()).toEqual({ triesLeft: 2, lockedUntil: null });
    now += 5 * MIN;
    expect(await fail("discord:G1:7")).toEqual({ triesLeft: 1, lockedUntil: null });
    now += 5 * MIN;
    expect(await fail()).toEqual({ triesLeft: 0, lockedUntil: now + 15 * MIN });
    const lockedAt = now;
    now = lockedAt + 15 * MIN - 1;
    expect(await limits.begin("slack:T1:U2", 1)).toEqual({ kind: "locked", until: lockedAt + 15 * MIN });
    expect((await limits.begin("slack:T1:U2", 2)).kind).toBe("go");
    now = lockedAt + 15 * MIN;
    expect(await fail()).toEqual({ triesLeft: 2, lockedUntil: null });
  });

  it("lets failures older than 15 minutes drop out of the count", async () => {
    await fail();
    now += 10 * MIN;
    await fail();
    now += 5 * MIN; // the first failure is 15 minutes old now
    expect(await fail()).toEqual({ triesLeft: 1, lockedUntil: null });
  });

  it("does not count a missing PIN or an attempt ITFlow could not answer as a failure", async () => {
    await limits.finish(ticketOf(await limits.begin("slack:T1:U1", 1)), "noPin");
    await limits.abandon(ticketOf(await limits.begin("slack:T1:U1", 1)));
    expect(await fail()).toEqual({ triesLeft: 2, lockedUntil: null });
  });

  it("gives a technician 10 attempts in any 15 minutes, the 11th refused until the oldest is 15 minutes old", async () => {
    for (let i = 0; i < 10; i++) {
      await limits.finish(ticketOf(await limits.begin("slack:T1:U1", 100 + i)), "match");
      now += MIN;
    }
    expect(await limits.begin("slack:T1:U1", 200)).toEqual({ kind: "capped", until: T0 + 15 * MIN });
    expect((await limits.begin("slack:T1:U9", 200)).kind).toBe("go");
    now = T0 + 15 * MIN;
    expect((await limits.begin("slack:T1:U1", 200)).kind).toBe("go");
  });

  it("never lets more attempts run on one contact than it has tries left", async () => {
    await fail();
    const gates = await Promise.all(Array.from({ length: 5 }, (_, i) => limits.begin(`slack:T1:U${i}`, 1)));
    expect(gates.filter((g) => g.kind === "go")).toHaveLength(2);
    expect(gates.filter((g) => g.kind === "locked")).toHaveLength(3);
  });
});
