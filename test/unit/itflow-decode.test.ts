// The pure decoding layer: status + body text → envelope or ItflowError, row schemas, and the
// "how ITFlow stores it" normalisation the update recipe compares with.
import { describe, expect, it } from "vitest";
import type { Contact, ContactDraft } from "../../src/contacts/types.js";
import { decodeEnvelope, expectWritten, insertIdOf, rowsOf } from "../../src/itflow/decode.js";
import { ItflowError } from "../../src/itflow/errors.js";
import { formatDuration, networkError } from "../../src/itflow/network-errors.js";
import { asItflowStores, phpStripTags, phpTrim, unsavedFields } from "../../src/itflow/normalise.js";
import { backoffDelay } from "../../src/itflow/retry.js";
import { contactPageSchema, contactRowSchema } from "../../src/itflow/wire.js";

function thrown(fn: () => unknown): ItflowError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ItflowError);
    return err as ItflowError;
  }
  throw new Error("expected a throw");
}

const WARNING =
  "<br />\n<b>Warning</b>:  Undefined variable $contact_row in <b>/var/www/itflow/api/v1/contacts/contact_model.php</b> on line <b>15</b><br />\n";
const CREATED = '{"success":"True","count":"1","data":[{"insert_id":25}]}';

describe("decodeEnvelope", () => {
  it("reads the string booleans and both forms of count", () => {
    expect(decodeEnvelope(200, '{"success":"True","count":"1","data":[]}', { mode: "write" })).toMatchObject({
      success: true,
      count: "1",
    });
    expect(decodeEnvelope(200, '{"success":"True","count":1}', { mode: "write" }).success).toBe(true);
    expect(decodeEnvelope(200, '{"success":"False","message":"x"}', { mode: "read" })).toMatchObject({
      success: false,
      message: "x",
    });
  });

  it('treats a read\'s "False" without data as an empty result', () => {
    expect(
      rowsOf(decodeEnvelope(200, '{"success":"False","message":"No resource"}', { mode: "read" })),
    ).toEqual([]);
  });

  it("turns a write's \"False\" into rejected with ITFlow's message aside", () => {
    const envelope = decodeEnvelope(200, '{"success":"False","message":"insert query failed"}', {
      mode: "write",
    });
    const err = thrown(() => expectWritten(envelope, "refused"));
    expect(err).toMatchObject({
      kind: "rejected",
      status: 200,
      itflowMessage: "insert query failed",
      message: "refused",
    });
  });

  it("maps statuses to kinds", () => {
    const cases: [number, string, string][] = [
      [401, "", "auth"],
      [401, '{"success":"False","message":"Authentication failed."}', "auth"],
      [403, '{"success":"False","message":"no permission"}', "forbidden"],
      [404, "<html>Not Found</html>", "rejected"],
      [405, 'string(3) "PUT"', "rejected"],
      [500, "", "rejected"],
      [502, "<html>Bad gateway</html>", "rejected"],
      [400, "", "rejected"],
    ];
    for (const [status, body, kind] of cases) {
      const err = thrown(() => decodeEnvelope(status, body, { mode: "read" }));
      expect(err.kind, `HTTP ${status}`).toBe(kind);
      expect(err.status).toBe(status);
      if (body) expect(err.message).not.toContain(body);
    }
  });

  it("marks 5xx as retryable and 4xx, auth and malformed as not", () => {
    expect(thrown(() => decodeEnvelope(500, "", { mode: "read" })).retryable).toBe(true);
    expect(thrown(() => decodeEnvelope(401, "", { mode: "read" })).retryable).toBe(false);
    expect(thrown(() => decodeEnvelope(200, "<html>", { mode: "read" })).retryable).toBe(false);
  });

  it("says what a 500 with an empty body usually means on a write, and not on a read", () => {
    expect(thrown(() => decodeEnvelope(500, "", { mode: "write" })).message).toContain(
      "longer than its ITFlow column",
    );
    expect(thrown(() => decodeEnvelope(500, "", { mode: "read" })).message).not.toContain("column");
  });

  it("reports a body that is not JSON as malformed, never quoting it", () => {
    const err = thrown(() => decodeEnvelope(200, "<h1>Oops /var/www/secret.php</h1>", { mode: "read" }));
    expect(err.kind).toBe("malformed");
    expect(err.message).not.toContain("/var/www");
  });

  it("strips a UTF-8 byte-order mark before parsing", () => {
    expect(decodeEnvelope(200, `\uFEFF${CREATED}`, { mode: "write" }).success).toBe(true);
  });

  describe("JSON after PHP warnings (display_errors on)", () => {
    it("salvages the final object on a write only when everything before it is warnings/notices", () => {
      expect(insertIdOf(decodeEnvelope(200, WARNING + WARNING + CREATED, { mode: "write" }))).toBe(25);
      expect(
        decodeEnvelope(200, `PHP Notice:  something\nDeprecated: old\n${CREATED}`, { mode: "write" }).success,
      ).toBe(true);
      // Something else than PHP diagnostics before it: the write's answer is not trusted.
      expect(
        thrown(() => decodeEnvelope(200, `<html>proxy page</html>\n${CREATED}`, { mode: "write" })).kind,
      ).toBe("malformed");
    });

    it("salvages the final object on a read whatever precedes it", () => {
      const body = `<html>banner</html>\n${WARNING}{"success":"True","count":1,"data":[{"contact_id":"1"}]}`;
      expect(rowsOf(decodeEnvelope(200, body, { mode: "read" }))).toHaveLength(1);
    });

    it("never salvages after a fatal error", () => {
      const fatal = `${WARNING}<b>Fatal error</b>:  Uncaught mysqli_sql_exception\n${CREATED}`;
      expect(thrown(() => decodeEnvelope(200, fatal, { mode: "read" })).kind).toBe("malformed");
      expect(thrown(() => decodeEnvelope(200, fatal, { mode: "write" })).kind).toBe("malformed");
    });

    it("does not salvage JSON followed by more text", () => {
      expect(
        thrown(() => decodeEnvelope(200, `${WARNING}${CREATED}\n<b>Warning</b>: late`, { mode: "read" }))
          .kind,
      ).toBe("malformed");
    });
  });

  it("requires an insert id on a successful create", () => {
    expect(
      insertIdOf(
        decodeEnvelope(200, '{"success":"True","count":"1","data":[{"insert_id":"12"}]}', { mode: "write" }),
      ),
    ).toBe(12);
    const err = thrown(() =>
      insertIdOf(decodeEnvelope(200, '{"success":"True","count":1}', { mode: "write" })),
    );
    expect(err.kind).toBe("malformed");
    expect(err.message).toContain("Search for it");
  });
});

describe("contact rows", () => {
  const base = {
    contact_id: "3",
    contact_client_id: "1",
    contact_location_id: "0",
    contact_name: "Carol O'Connor",
    contact_pin: "9876",
    contact_primary: "1",
    contact_important: "0",
  };

  it("drops contact_pin and unknown columns, and fills missing text with empty strings", () => {
    const parsed = contactRowSchema.parse({
      ...base,
      "0": "3",
      "1": "Carol O'Connor",
      contact_vendor_id: "0",
    });
    expect(parsed).toMatchObject({
      id: 3,
      clientId: 1,
      locationId: null,
      name: "Carol O'Connor",
      primary: true,
      important: false,
    });
    expect(parsed.notes).toBe("");
    expect(JSON.stringify(parsed)).not.toContain("9876");
    expect(Object.keys(parsed)).not.toContain("contact_pin");
  });

  it("reads a page of rows in one schema exactly as row by row, and a bad row fails the page naming its column", () => {
    const rows = [base, { ...base, contact_id: "4", contact_name: "Dan", contact_location_id: "2" }];
    expect(contactPageSchema.parse(rows)).toEqual(rows.map((r) => contactRowSchema.parse(r)));
    const bad = contactPageSchema.safeParse([base, { ...base, contact_email: { nested: true } }]);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["contact_email"]);
    expect(JSON.stringify(bad.error)).not.toContain("9876");
    expect(contactPageSchema.safeParse([base, "not a row"]).success).toBe(false);
  });

  it("refuses a row without a numeric id", () => {
    expect(contactRowSchema.safeParse({ ...base, contact_id: "abc" }).success).toBe(false);
    expect(contactRowSchema.safeParse({ ...base, contact_client_id: undefined }).success).toBe(false);
  });

  it("reads numbers where text is expected, and refuses any other kind of value, naming the column", () => {
    const parsed = contactRowSchema.parse({
      ...base,
      contact_phone: 5551234567,
      contact_location_id: 4,
      contact_technical: 1,
      contact_updated_at: "0000-00-00 00:00:00",
      contact_phone_country_code: " ",
    });
    expect(parsed).toMatchObject({
      phone: "5551234567",
      locationId: 4,
      technical: true,
      updatedAt: null,
      phoneCountryCode: null,
    });
    for (const bad of [{ a: 1 }, ["x"], true]) {
      const result = contactRowSchema.safeParse({ ...base, contact_email: bad });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(["contact_email"]);
    }
  });
});

describe("how ITFlow stores a draft", () => {
  const draft: ContactDraft = {
    name: "  Tom & Jerry <b>Bold</b> ",
    title: "  Head of <i>Stuff</i>  ",
    email: "  tom@globex.example  ",
    phone: "(555) 123-4567",
    extension: "x 12",
    mobile: "+44 7700 900789",
    department: "R&D",
    notes: "<script>alert(1)</script>Line1\nLine2 & 'quotes'",
    primary: true,
    important: false,
    billing: false,
    technical: true,
    locationId: 0,
  };

  it("matches what the recorded 26.08.2 server stored for the same input", () => {
    expect(asItflowStores(draft)).toEqual({
      name: "Tom & Jerry Bold",
      title: "Head of Stuff",
      email: "tom@globex.example",
      phone: "5551234567",
      extension: "12",
      mobile: "447700900789",
      department: "R&D",
      notes: "alert(1)Line1\nLine2 & 'quotes'",
      primary: true,
      important: false,
      billing: false,
      technical: true,
      locationId: null,
    });
  });

  it("cuts text at a bare '<' as strip_tags does, but keeps '< ' and '>'", () => {
    expect(phpTrim(phpStripTags("Bob <3 Alice"))).toBe("Bob");
    expect(phpStripTags("a < b > c")).toBe("a < b > c");
    expect(phpStripTags("Grace <b>Hopper</b> & Co")).toBe("Grace Hopper & Co");
    expect(phpTrim("\u00a0x\t\n")).toBe("\u00a0x");
  });

  it("lists the fields a stored contact does not hold", () => {
    const stored = { ...asItflowStores(draft), id: 1, clientId: 1 } as unknown as Contact;
    expect(unsavedFields(draft, stored)).toEqual([]);
    expect(unsavedFields({ ...draft, title: "CEO", primary: false }, stored)).toEqual(["title", "primary"]);
  });
});

describe("network failures and backoff", () => {
  const ctx = {
    origin: "https://itflow.example.com:8443",
    waitedMs: 5000,
    connectTimeoutMs: 3000,
    isWrite: false,
  };

  it("writes its own messages from the error code only", () => {
    const undiciLike = Object.assign(new Error("connect ECONNREFUSED https://x/?api_key=abc"), {
      code: "ECONNREFUSED",
    });
    const err = networkError(undiciLike, { ...ctx, deadlineHit: false });
    // The message reaches chat channels, so it names no address; the log gets it from `detail`.
    expect(err.message).toBe("Could not reach ITFlow (connection refused).");
    expect(err.detail).toBe("ITFLOW_URL https://itflow.example.com:8443, ECONNREFUSED");
    expect(err.cause).toBeUndefined();
    expect(networkError(new Error("x"), { ...ctx, deadlineHit: true }).message).toBe(
      "ITFlow did not answer within 5 s.",
    );
    const nested = new AggregateError([Object.assign(new Error(), { code: "ENOTFOUND" })]);
    expect(networkError(nested, { ...ctx, deadlineHit: false }).message).toContain("host name not found");
    expect(
      networkError(Object.assign(new Error(), { code: "UND_ERR_CONNECT_TIMEOUT" }), {
        ...ctx,
        deadlineHit: false,
      }),
    ).toMatchObject({
      kind: "timeout",
      message: "Could not connect to ITFlow within 3 s.",
    });
  });

  it("formats durations for people", () => {
    expect(formatDuration(5000)).toBe("5 s");
    expect(formatDuration(1500)).toBe("1.5 s");
    expect(formatDuration(300)).toBe("300 ms");
    expect(formatDuration(7_946)).toBe("7.9 s");
    expect(formatDuration(8_012)).toBe("8 s");
  });

  it("draws full-jitter delays in [0, base·2^attempt]", () => {
    expect(backoffDelay(0, 100, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 100, () => 0.5)).toBe(400);
    expect(backoffDelay(2, 100, () => 0)).toBe(0);
    expect(backoffDelay(30, 100, () => 0.999)).toBeLessThanOrEqual(10_000);
  });
});
