// The terminal adapter end to end: the real `itflow-contact` program, run as a child process,
// against the fake ITFlow seeded from the recorded database.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeItflow, startFakeItflow } from "../fakes/itflow/index.js";
import { runCli as run } from "./support/cli-process.js";

interface JsonRow {
  id: number;
  name: string;
  client: { id: number; name: string };
  location: { id: number; name: string } | null;
  archived: boolean;
  flags: Record<string, boolean>;
}

describe("itflow-contact (terminal)", () => {
  let fake: FakeItflow;
  const env = (key = "KEY_ADMIN") => ({
    ITFLOW_URL: fake.url,
    ITFLOW_API_KEY: key,
    ITFLOW_TIMEOUT_MS: "2000",
  });
  const findJson = async (query: string, extra: string[] = [], key?: string): Promise<JsonRow[]> => {
    const r = await run(["find", query, "--json", ...extra], env(key));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as JsonRow[];
  };

  beforeAll(async () => {
    fake = await startFakeItflow();
  });
  beforeEach(() => fake.reset());
  afterAll(async () => {
    await fake.close();
  });

  it("finds a formatted phone number with ITFlow's exact reads, and both contacts sharing it with --whole-list", async () => {
    fake.clearRequests();
    const exact = await run(["find", "(555) 123-4567"], env());
    expect(exact.stdout.match(/— IT Manager|— CEO/g)).toHaveLength(1);
    expect(exact.stderr).toContain("--whole-list shows everyone sharing it");
    // No page of the whole list was asked for: only exact reads (and the clients, for their names).
    const contactReads = fake.requests.filter((r) => r.path.endsWith("contacts/read.php"));
    expect(contactReads.length).toBeGreaterThan(0);
    expect(contactReads.every((r) => r.query.contact_phone_or_mobile !== undefined)).toBe(true);
    const rows = await findJson("(555) 123-4567", ["--whole-list"]);
    expect(rows.map((r) => r.name).sort()).toEqual(["Alice Anderson", "Bob Brown"]);
    expect(rows.every((r) => r.client.name === "Acme Corp")).toBe(true);
    const text = await run(["find", "(555) 123-4567", "--whole-list"], env());
    expect(text.stdout).toContain("Alice Anderson — CEO");
    expect(text.stdout).toContain("Bob Brown — IT Manager");
    expect(text.stdout).toContain("Client:     Acme Corp");
    expect(text.stdout).toContain("(555) 123-4567 ext. 101");
  });

  it("reads only the shown contact's location by id for an exact lookup, never the list of locations", async () => {
    fake.clearRequests();
    const rows = await findJson("#1");
    expect(rows.map((r) => [r.name, r.location])).toEqual([["Alice Anderson", { id: 1, name: "Acme HQ" }]]);
    const locationReads = fake.requests.filter((r) => r.path.endsWith("locations/read.php"));
    expect(locationReads.map((r) => r.query.location_id)).toEqual(["1"]);
    // The whole list of locations (and of contacts) still comes with a name search.
    fake.clearRequests();
    expect((await findJson("alice"))[0]?.location).toEqual({ id: 1, name: "Acme HQ" });
    expect(
      fake.requests.some((r) => r.path.endsWith("locations/read.php") && r.query.location_id === undefined),
    ).toBe(true);
  });

  it("still shows the contact when its location cannot be read", async () => {
    fake.respondNext(10, (r) =>
      r.path.endsWith("locations/read.php") ? { status: 500, body: "" } : undefined,
    );
    const rows = await findJson("#1");
    expect(rows.map((r) => [r.name, r.client.name, r.location])).toEqual([
      ["Alice Anderson", "Acme Corp", null],
    ]);
  });

  it("lines every value up one space past the longest label", async () => {
    const card = await run(["find", "carol@acme.example"], env());
    const fields = card.stdout.split("\n").filter((l) => /^ {2}[A-Za-z]+:/.test(l));
    expect(fields).toContain("  Department: Finance");
    expect(fields).toContain("  Client:     Acme Corp");
    // Every value starts in the same column (15th), after at least one space.
    expect(fields.filter((l) => l[13] !== " " || l[14] === " ")).toEqual([]);
  });

  it("finds a UK mobile typed in international format", async () => {
    const rows = await findJson("+44 7700 900123");
    expect(rows.map((r) => [r.name, r.client.name])).toEqual([["Dave Davies", "Globex Ltd"]]);
  });

  it("finds by part of a name, case-insensitively", async () => {
    const rows = await findJson("alice");
    expect(rows.map((r) => r.name)).toEqual(["Alice Anderson"]);
    expect(rows[0]?.location).toEqual({ id: 1, name: "Acme HQ" });
    expect(rows[0]?.flags).toEqual({ primary: true, important: true, billing: false, technical: false });
  });

  it("shows every client's row for an email shared by two clients", async () => {
    const rows = await findJson("shared@example.com");
    expect(rows.map((r) => `${r.name} @ ${r.client.name}`).sort()).toEqual([
      "Sam Shared (Acme) @ Acme Corp",
      "Sam Shared (Initech) @ Initech & Partners",
    ]);
  });

  it("hides archived contacts unless asked, and says when only an archived one matches", async () => {
    expect(await findJson("zed")).toEqual([]);
    const text = await run(["find", "zed"], env());
    expect(text.stdout.trim()).toBe(
      'No active contact matches "zed", but an archived contact does.\nRun the search again with --include-archived to show it.',
    );
    const rows = await findJson("zed", ["--include-archived"]);
    expect(rows.map((r) => [r.name, r.archived])).toEqual([["Zed Archived", true]]);
  });

  it("never shows another client's contact to a client-scoped key, even through the mobile-number leak", async () => {
    // ITFlow itself returns Dave (Globex) for this number to the client-1 key.
    expect(await findJson("7700900123", [], "KEY_SCOPED_CLIENT1")).toEqual([]);
    expect(await findJson("+44 7700 900123", [], "KEY_SCOPED_CLIENT1")).toEqual([]);
    expect((await findJson("alice", [], "KEY_SCOPED_CLIENT1")).map((r) => r.name)).toEqual([
      "Alice Anderson",
    ]);
  });

  it("check says the key is invalid without printing it", async () => {
    const wrong = "wrong-key-7f3a9c2e51";
    const r = await run(["check"], env(wrong));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/API key is invalid or has expired/);
    expect(r.stdout + r.stderr).not.toContain(wrong);
  });

  it("check passes with a good key and reports a read-only key", async () => {
    const ok = await run(["check"], env());
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/may create and update contacts/);
    const ro = await run(["check"], env("KEY_READONLY"));
    expect(ro.code).toBe(1);
    expect(ro.stdout).toMatch(/may only read/);
  });

  it("refuses to start without configuration, listing every missing variable, exit 2", async () => {
    const r = await run(["find", "alice"], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ITFLOW_URL is missing");
    expect(r.stderr).toContain("ITFLOW_API_KEY is missing");
  });

  it("explains an unreachable ITFlow in one line, exit 1, naming the address it tried (the terminal's user set it)", async () => {
    const r = await run(["find", "alice"], {
      ITFLOW_URL: "http://127.0.0.1:9",
      ITFLOW_API_KEY: "KEY_ADMIN_X",
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/reach ITFlow/i);
    expect(r.stderr).toContain("ITFLOW_URL http://127.0.0.1:9");
    expect(r.stderr).not.toContain("KEY_ADMIN_X");
  });

  it("prints its answer only, even with LOG_LEVEL=info (as .env.example sets it); --verbose adds the log lines", async () => {
    const quiet = await run(["find", "alice"], { ...env(), LOG_LEVEL: "info" });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe("");
    expect(quiet.stdout).toMatch(/^Alice Anderson — CEO\n/);
    expect(quiet.stdout).not.toContain('"level"');
    const verbose = await run(["find", "alice", "--verbose"], { ...env(), LOG_LEVEL: "info" });
    expect(verbose.stdout).toBe(quiet.stdout);
    const lines = verbose.stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { msg: string });
    expect(lines.some((l) => l.msg === "contact list loaded")).toBe(true);
  });

  it("a hanging ITFlow with the default settings: the find ends at the 8 s action deadline and says so", async () => {
    fake.hang(true);
    try {
      const started = Date.now();
      const r = await run(["find", "alice@acme.example"], {
        ITFLOW_URL: fake.url,
        ITFLOW_API_KEY: "KEY_ADMIN",
      });
      const waited = Date.now() - started;
      expect(r.code).toBe(1);
      // The read ends its own request just before the deadline: it says what it waited.
      expect(r.stderr).toMatch(/^itflow-contact: ITFlow did not answer within (7\.9|8) s\./);
      // The command's own start-up (tsx) is on top of the 8 s.
      expect(waited).toBeGreaterThanOrEqual(8000);
      expect(waited).toBeLessThan(10_000);
    } finally {
      fake.hang(false);
    }
  }, 20_000);
});
