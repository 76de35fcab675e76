// `verify` through the command handlers, as every adapter calls them, against the fake ITFlow holding
// PINs: the answers, the attempt limits, who may verify, and that nothing of a PIN ever comes back.
import { describe, expect, it } from "vitest";
import type { Caller } from "../../commands/caller.js";
import {
  auditLine,
  clockTime,
  type VerifyAuditEvent,
  type VerifyResultView,
  verifyAnswerText,
} from "../../commands/verify.js";
import type { View } from "../../commands/views.js";
import { PINS, seedWithPins } from "../fakes/itflow/index.js";
import { expectView, requestsTo, TECH, useBots } from "./support/commands-harness.js";

const bots = useBots({ seed: seedWithPins() });
const plain = { text: (s: string) => s, time: clockTime };
const ALICE = 1;
const BOB = 2; // no PIN, phone (555) 123-4567
const CAROL = 3; // no PIN, mobile only
const HEIDI = 7; // no PIN, no number

function answer(view: VerifyResultView | View): string {
  return verifyAnswerText(expectView(view, "verifyResult"), plain);
}
/** The contact_id reads that reached ITFlow: one per PIN actually checked. */
const pinReads = (id: number) =>
  requestsTo(bots.fake, "contacts/read.php").filter((r) => r.query.contact_id === String(id)).length;

describe("verify", () => {
  it("opens the one-field form for the one contact a query names, from the index", async () => {
    const b = bots.bot();
    await b.ctx.directory.warm();
    bots.fake.clearRequests();
    const prompt = await b.openVerify({ query: "alice@acme.example" });
    expect(prompt).toEqual({
      kind: "verifyPrompt",
      contact: { id: ALICE, name: "Alice Anderson", client: "Acme Corp" },
    });
    expect(bots.fake.requests).toHaveLength(0);
    expect(expectView(await b.openVerify({ query: "(555) 123-4567" }), "list").total).toBe(2);
    const none = expectView(await b.openVerify({ query: "nobody@nowhere.example" }), "notice");
    expect(none.text).toBe('No contact matches "nobody@nowhere.example".');
    expect(none.createFrom).toBeUndefined();
    expect(expectView(await b.openVerify({ query: "  " }), "notice").level).toBe("info");
  });

  it("will not verify by a number before the list has loaded (ITFlow's read hides who shares it)", async () => {
    const b = bots.bot();
    const notice = expectView(await b.openVerify({ query: "(555) 123-4567" }), "notice");
    expect(notice.text).toContain("still loading");
    await b.ctx.directory.warm();
    expect(expectView(await b.openVerify({ query: "(555) 123-4567" }), "list").total).toBe(2);
  });

  it("answers a match with the contact's name and client, reading the PIN afresh each time", async () => {
    const b = bots.bot();
    // Loaded, so the contact comes from the list and every contact_id read is a PIN check.
    await b.ctx.directory.warm();
    expect(answer(await b.verify({ contactId: ALICE, attempt: "  quokka   7351 " }))).toBe(
      "✅ Alice Anderson (Acme Corp) gave the right PIN.",
    );
    expect(answer(await b.verify({ contactId: ALICE, attempt: "QUOKKA 7351" }))).toBe(
      "✅ Alice Anderson (Acme Corp) gave the right PIN.",
    );
    expect(pinReads(ALICE)).toBe(2);
  });

  it("counts wrong answers down, locks the contact on the third for 15 minutes, then reads no PIN", async () => {
    const b = bots.bot();
    await b.ctx.directory.warm();
    const before = Date.now();
    expect(answer(await b.verify({ contactId: ALICE, attempt: "quokka 7350" }))).toBe(
      "❌ That is not Alice Anderson's PIN. 2 tries left before verification is locked for 15 minutes.",
    );
    expect(answer(await b.verify({ contactId: ALICE, attempt: "Quokka7351" }))).toBe(
      "❌ That is not Alice Anderson's PIN. 1 try left before verification is locked for 15 minutes.",
    );
    const third = expectView(await b.verify({ contactId: ALICE, attempt: "1234" }), "verifyResult");
    expect(third.outcome.result).toBe("noMatch");
    const until = third.outcome.result === "noMatch" ? (third.outcome.lockedUntil ?? 0) : 0;
    expect(until).toBeGreaterThanOrEqual(before + 15 * 60_000);
    expect(until).toBeLessThan(Date.now() + 15 * 60_000 + 1);
    expect(answer(third)).toBe(
      `❌ That is not Alice Anderson's PIN. Verification for Alice Anderson is locked until ${clockTime(until)} after 3 failed attempts.`,
    );
    // Locked: the form is not even offered, the right PIN is refused, and ITFlow is not asked for it.
    expect(await b.openVerify({ query: "alice anderson" })).toEqual({
      kind: "verifyResult",
      contact: { id: ALICE, name: "Alice Anderson", client: "Acme Corp" },
      outcome: { result: "locked", until },
    });
    const locked = await b.verify({ contactId: ALICE, attempt: PINS[1] });
    expect(answer(locked)).toBe(
      `🔒 Verification for Alice Anderson is locked until ${clockTime(until)} after 3 failed attempts.`,
    );
    expect(pinReads(ALICE)).toBe(3);
    // Another contact is not affected.
    expect(
      expectView(await b.verify({ contactId: 4, attempt: "MARMOT-2964" }), "verifyResult").outcome,
    ).toEqual({
      result: "match",
    });
  });

  it("a match clears the failures before it", async () => {
    const b = bots.bot();
    await b.verify({ contactId: ALICE, attempt: "wrong" });
    await b.verify({ contactId: ALICE, attempt: "wrong again" });
    await b.verify({ contactId: ALICE, attempt: PINS[1] });
    expect(answer(await b.verify({ contactId: ALICE, attempt: "wrong" }))).toContain("2 tries left");
  });

  it("without a PIN on file, says to call back on the number on record (phone, else mobile)", async () => {
    const b = bots.bot();
    expect(answer(await b.verify({ contactId: BOB, attempt: "1234" }))).toBe(
      "⚠️ No PIN is on file for Bob Brown (Acme Corp). To verify the caller, call back on the number on record: (555) 123-4567",
    );
    expect(answer(await b.verify({ contactId: CAROL, attempt: "1234" }))).toBe(
      "⚠️ No PIN is on file for Carol O'Connor (Acme Corp). To verify the caller, call back on the number on record: (555) 765-4321",
    );
    expect(answer(await b.verify({ contactId: HEIDI, attempt: "1234" }))).toBe(
      "⚠️ No PIN and no phone number are on file for Heidi Hughes (Initech & Partners). Verify the caller another way before changing anything.",
    );
    // Not a failure: Bob's verification never locks for lack of a PIN.
    for (let i = 0; i < 3; i++) await b.verify({ contactId: BOB, attempt: "x" });
    expect(expectView(await b.verify({ contactId: BOB, attempt: "x" }), "verifyResult").outcome.result).toBe(
      "noPin",
    );
  });

  it("gives one technician 10 attempts in 15 minutes over all contacts, then refuses without reading", async () => {
    const b = bots.bot();
    const other: Caller = { ...TECH, userId: "U2" };
    for (let i = 0; i < 10; i++) {
      const id = [BOB, CAROL, HEIDI][i % 3] ?? BOB;
      expect(expectView(await b.verify({ contactId: id, attempt: "x" }), "verifyResult").outcome.result).toBe(
        "noPin",
      );
    }
    const reads = requestsTo(bots.fake, "contacts/read.php").length;
    const capped = expectView(await b.verify({ contactId: ALICE, attempt: PINS[1] }), "verifyResult");
    expect(capped.outcome.result).toBe("capped");
    const until = capped.outcome.result === "capped" ? capped.outcome.until : 0;
    expect(until - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(answer(capped)).toBe(
      `⏳ You have made 10 verification attempts in the last 15 minutes; you can verify again at ${clockTime(until)}.`,
    );
    expect(requestsTo(bots.fake, "contacts/read.php").length).toBe(reads);
    // Another technician has their own allowance.
    expect(
      expectView(await b.verify({ contactId: ALICE, attempt: PINS[1] }, other), "verifyResult").outcome
        .result,
    ).toBe("match");
  });

  it("an attempt ITFlow could not answer does not count", async () => {
    const b = bots.bot();
    await b.ctx.directory.warm();
    bots.fake.failNext(1, { status: 500, body: "" });
    const failed = expectView(await b.verify({ contactId: ALICE, attempt: "wrong" }), "notice");
    expect(failed.level).toBe("error");
    expect(failed.text).toMatch(/^ITFlow failed with an internal error/);
    expect(answer(await b.verify({ contactId: ALICE, attempt: "wrong" }))).toContain("2 tries left");
  });

  it("refuses whoever VERIFY_ALLOW leaves out, without asking ITFlow", async () => {
    const b = bots.bot({ verifyAllow: ["slack:U9"] });
    await b.ctx.directory.warm();
    bots.fake.clearRequests();
    const denied = "You are not allowed to verify callers. An admin can add you to VERIFY_ALLOW.";
    expect(expectView(await b.openVerify({ contactId: ALICE }), "notice").text).toBe(denied);
    expect(expectView(await b.verify({ contactId: ALICE, attempt: PINS[1] }), "notice").text).toBe(denied);
    expect(bots.fake.requests).toHaveLength(0);
    const allowed: Caller = { ...TECH, userId: "U9" };
    expect(
      expectView(await b.verify({ contactId: ALICE, attempt: PINS[1] }, allowed), "verifyResult").outcome,
    ).toEqual({ result: "match" });
  });

  it("says what is wrong with an empty or overlong answer, or a contact that is gone, and checks nothing", async () => {
    const b = bots.bot();
    expect(expectView(await b.verify({ contactId: ALICE, attempt: "   " }), "notice").text).toBe(
      "Type what the caller says, then submit.",
    );
    expect(expectView(await b.verify({ contactId: ALICE, attempt: "9".repeat(201) }), "notice").text).toMatch(
      /longer than any PIN/,
    );
    expect(expectView(await b.verify({ contactId: 999, attempt: "1234" }), "notice").text).toBe(
      "Contact #999 no longer exists in ITFlow.",
    );
    expect(pinReads(ALICE)).toBe(0);
  });

  it("posts every attempt to the audit sinks as one line, and no view holds anything of a PIN", async () => {
    const events: VerifyAuditEvent[] = [];
    const b = bots.bot({ verifyAudit: [{ post: async (e) => void events.push(e) }] });
    await b.verify({ contactId: ALICE, attempt: PINS[1], who: "Tess Tech" });
    await b.verify({ contactId: ALICE, attempt: "quokka", who: "Tess Tech" });
    await b.verify({ contactId: BOB, attempt: "1", who: "Tess Tech" });
    await b.verify({ contactId: 6, attempt: "1" });
    expect(events.map((e) => auditLine(e, plain))).toEqual([
      "🔐 Tess Tech verified Alice Anderson (Acme Corp): match",
      "🔐 Tess Tech verified Alice Anderson (Acme Corp): no match",
      "🔐 Tess Tech verified Bob Brown (Acme Corp): no PIN on file",
      "🔐 U1 verified Grace <b>Hopper</b> & Co (Globex Ltd): no PIN on file",
    ]);
    const everything = JSON.stringify([b.views, events]).toLowerCase();
    for (const pin of Object.values(PINS)) {
      expect(everything).not.toContain(pin.toLowerCase());
      expect(everything).not.toContain(pin.toLowerCase().split(/[ -]/)[1]);
    }
    expect(everything).not.toContain("quokka");
  });
});
