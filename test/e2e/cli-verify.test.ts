// `itflow-contact verify` end to end: the real program as a child process against the fake ITFlow
// holding PINs. The answer is piped in as one line, or typed at a real pseudo-terminal (through
// util-linux `script`), where it must not be echoed. The attempt limits outlive one run only in a
// shared store, so those tests run with STORE_URL on a real redis-server.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeItflow, PINS, seedWithPins, startFakeItflow } from "../fakes/itflow/index.js";
import { REDIS_SKIP_REASON, type RedisServer, startRedis } from "../support/redis-server.js";
import { type CliRun, runCli, runCliInTerminal, SCRIPT } from "./support/cli-process.js";

let fake: FakeItflow;
beforeAll(async () => {
  fake = await startFakeItflow({ seed: seedWithPins() });
});
beforeEach(() => fake.reset());
afterAll(async () => {
  await fake.close();
});

const env = (extra: Record<string, string> = {}) => ({
  ITFLOW_URL: fake.url,
  ITFLOW_API_KEY: "KEY_ADMIN",
  ITFLOW_TIMEOUT_MS: "2000",
  ...extra,
});
const verify = (query: string, answer: string, extra?: Record<string, string>) =>
  runCli(["verify", query], env(extra), `${answer}\n`);
const ALICE_ABOUT = "  Alice Anderson · Acme Corp · ITFlow contact #1\n";

function expectNoPin(run: CliRun): void {
  for (const pin of Object.values(PINS))
    expect((run.stdout + run.stderr).toLowerCase()).not.toContain(pin.toLowerCase());
}

describe("itflow-contact verify", () => {
  it("exit 0 on a match, with the contact's name and client", async () => {
    const r = await verify("alice@acme.example", "  QUOKKA   7351 ");
    expect(r).toEqual({
      code: 0,
      stdout: `✅ Alice Anderson (Acme Corp) gave the right PIN.\n${ALICE_ABOUT}`,
      stderr: "Verifying Alice Anderson · Acme Corp · ITFlow contact #1\n",
    });
    expectNoPin(r);
    // The client list is read once per run, though the lookup and the PIN check each need it.
    const clientLists = fake.requests.filter(
      (q) => q.path.endsWith("clients/read.php") && q.query.client_name === undefined,
    );
    expect(clientLists.filter((q) => (q.query.offset ?? "0") === "0")).toHaveLength(1);
  });

  it("exit 1 on no match, saying how many tries are left and nothing about the PIN", async () => {
    const r = await verify("#1", "quokka 735");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `❌ That is not Alice Anderson's PIN. 2 tries left before verification is locked for 15 minutes.\n${ALICE_ABOUT}`,
    );
    expectNoPin(r);
  });

  it("exit 3 when no PIN is on file, giving the number on record to call back", async () => {
    const r = await verify("bob@acme.example", "1234");
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(
      "⚠️ No PIN is on file for Bob Brown (Acme Corp). To verify the caller, call back on the number on record: (555) 123-4567",
    );
  });

  it("exit 2 for bad usage: no query, a query naming several contacts or none, nothing piped in", async () => {
    const none = await runCli(["verify"], env());
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^verify needs the contact to check/);

    const several = await verify("(555) 123-4567", PINS[1]);
    expect(several.code).toBe(2);
    expect(several.stdout).toBe("  #1  Alice Anderson — Acme Corp\n  #2  Bob Brown — Acme Corp\n");
    expect(several.stderr).toContain(
      '2 contacts match "(555) 123-4567": say which one, e.g. itflow-contact verify #1',
    );

    const unknown = await verify("nobody@nowhere.example", PINS[1]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('No contact matches "nobody@nowhere.example".\n');

    const empty = await runCli(["verify", "alice"], env(), "");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("Nothing was typed, so nothing was checked.");
    // No PIN was read for any of them.
    expect(fake.requests.filter((r) => r.query.contact_id !== undefined)).toHaveLength(0);
  });

  it("exit 2 when VERIFY_ALLOW leaves the terminal user out", async () => {
    const r = await verify("alice", PINS[1], { VERIFY_ALLOW: "cli:someone-else" });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("You are not allowed to verify callers. An admin can add you to VERIFY_ALLOW.\n");
  });

  it("logs each attempt at info; at trace level no line holds the PIN or what was typed", async () => {
    // Logs only when asked for (--verbose), like every one-shot command.
    const quiet = await verify("alice", PINS[1], { LOG_LEVEL: "trace" });
    expect(quiet.stderr).not.toContain("{");
    const verbose = (answer: string) =>
      runCli(["verify", "alice", "--verbose"], env({ LOG_LEVEL: "trace" }), `${answer}\n`);
    const runs = [await verbose(PINS[1]), await verbose("kiwi-typed-wrong")];
    const lines = runs.flatMap((r) =>
      r.stderr
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    );
    expect(lines.some((l) => l.level === 10 || l.level === 20)).toBe(true);
    expect(lines.filter((l) => l.msg === "caller verification")).toEqual([
      expect.objectContaining({ level: 30, platform: "cli", contactId: 1, clientId: 1, result: "match" }),
      expect.objectContaining({ level: 30, platform: "cli", contactId: 1, clientId: 1, result: "noMatch" }),
    ]);
    for (const r of runs) {
      expectNoPin(r);
      expect(r.stderr).not.toContain("kiwi-typed-wrong");
      expect(r.stderr.toLowerCase()).not.toContain("quokka");
    }
  });

  it.skipIf(SCRIPT === null)(
    "on a terminal, reads the answer at a prompt that does not echo it",
    async () => {
      const r = await runCliInTerminal(["verify", "alice"], env(), "What the caller says: ", PINS[1]);
      expect(r.code).toBe(0);
      expect(r.output).toContain("What the caller says: ");
      expect(r.output).toContain("✅ Alice Anderson (Acme Corp) gave the right PIN.");
      expect(r.output.toLowerCase()).not.toContain("quokka");
      expect(r.output).not.toContain("7351");
    },
  );
});

if (REDIS_SKIP_REASON) console.warn(REDIS_SKIP_REASON);

describe.skipIf(REDIS_SKIP_REASON !== null)("itflow-contact verify with a shared store (redis)", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("locks the contact after 3 wrong answers, one run each; the right PIN is then refused too", async () => {
    const store = { STORE_URL: `${redis.url}/1` };
    expect((await verify("alice", "one", store)).stdout).toContain("2 tries left");
    expect((await verify("alice", "two", store)).stdout).toContain("1 try left");
    const third = await verify("alice", "three", store);
    expect(third.code).toBe(1);
    expect(third.stdout).toMatch(
      /^❌ That is not Alice Anderson's PIN\. Verification for Alice Anderson is locked until \d\d:\d\d after 3 failed attempts\.\n/,
    );
    const reads = fake.requests.length;
    const locked = await verify("alice", PINS[1], store);
    expect(locked.code).toBe(1);
    expect(locked.stdout).toMatch(
      /^🔒 Verification for Alice Anderson is locked until \d\d:\d\d after 3 failed attempts\.\n/,
    );
    expect(fake.requests.slice(reads).filter((r) => r.query.contact_id === "1")).toHaveLength(0);
    // Dave's verification is not affected.
    expect((await verify("dave@globex.example", PINS[4], store)).code).toBe(0);
  });

  it("gives the terminal user 10 attempts in 15 minutes, then refuses the 11th", async () => {
    // A database of its own, so the first test's attempts do not count. Heidi has no PIN: these
    // attempts count for the user but lock nothing.
    // Ten processes at once on a small CI machine: ITFlow (the fake) gets longer than the usual
    // 2 s per request, and a run that fails anyway shows why.
    const store = { STORE_URL: `${redis.url}/2`, ITFLOW_TIMEOUT_MS: "6000" };
    const runs = await Promise.all(
      Array.from({ length: 10 }, () => verify("heidi@initech.example", "x", store)),
    );
    expect(runs.map((r) => (r.code === 3 ? 3 : `${r.code}: ${r.stdout}${r.stderr}`))).toEqual(
      runs.map(() => 3),
    );
    const capped = await verify("dave@globex.example", PINS[4], store);
    expect(capped.code).toBe(1);
    expect(capped.stdout).toMatch(
      /^⏳ You have made 10 verification attempts in the last 15 minutes; you can verify again at \d\d:\d\d\.\n/,
    );
  });
});
