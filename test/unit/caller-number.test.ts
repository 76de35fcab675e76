// Numbers as phone systems send them: every form pbx-integration.md lists must read as the same
// number (one key), whatever the trunk delivered; withheld and internal numbers are told apart.
import { describe, expect, it } from "vitest";
import { queryParams } from "../../adapters/calls/request.js";
import { readCallerNumber, UnreadableNumber } from "../../src/contacts/caller-number.js";

const read = (raw: string, region: "US" | "GB" = "US") => readCallerNumber(raw, region, 7);
const keyOf = (raw: string, region: "US" | "GB" = "US") => {
  const n = read(raw, region);
  return n.kind === "number" ? n.key : n.kind;
};

describe("readCallerNumber: one caller, every form a PBX sends", () => {
  it.each([
    ["+15551234567", "E.164 with +"],
    ["15551234567", "E.164 without +"],
    ["5551234567", "national"],
    ["+1 (555) 123-4567", "formatted"],
    ["011 1 555 123 4567", "the US IDD in front"],
    ["tel:+1-555-123-4567", "a tel: URI"],
    ["sip:+15551234567@pbx.example.com;user=phone", "a SIP URI"],
    ["<sip:15551234567@10.0.0.1>", "a SIP URI in angle brackets"],
  ])("%s (%s) is +15551234567", (raw) => {
    const stripped = raw.replace(/^<|>$/g, "");
    expect(keyOf(stripped)).toBe("+15551234567");
  });

  it.each([
    ["+447700900123", "US"],
    ["447700900123", "US"],
    ["00447700900123", "US"],
    ["011447700900123", "US"],
    ["07700900123", "GB"],
    ["+44 7700 900123", "GB"],
    ["00447700900123", "GB"],
  ] as const)("UK mobile %s read in %s is +447700900123", (raw, region) => {
    expect(keyOf(raw, region)).toBe("+447700900123");
  });

  it("keeps what was received, untouched, for the answer", () => {
    const n = read("  +1 555 123 4567 ");
    expect(n.kind).toBe("number");
    expect(n.received).toBe("+1 555 123 4567");
  });

  it("reads only the last digits (3CX MaxLength) as digits to match at the end of a number", () => {
    const n = read("1234567");
    expect(n).toMatchObject({ kind: "number", digits: "1234567" });
  });

  it("%2B and a raw + in a query string both arrive as +", () => {
    expect(queryParams("number=%2B15551234567").get("number")).toBe("+15551234567");
    // Form decoding would make this " 15551234567": the country would be lost.
    expect(queryParams("number=+15551234567&token=abc").get("number")).toBe("+15551234567");
    expect(queryParams("Number=+44%207700%20900123").get("number")).toBe("+44 7700 900123");
    expect(keyOf(queryParams("number=+447700900123").get("number") ?? "")).toBe("+447700900123");
  });

  it.each([
    "anonymous",
    "Anonymous",
    "withheld",
    "PRIVATE",
    "restricted",
    "unknown",
    "unavailable",
    "",
    "  ",
    "0",
  ])("%j is a withheld number", (raw) => {
    expect(read(raw).kind).toBe("withheld");
  });

  it("sip:anonymous@… is withheld too", () => {
    expect(read("sip:anonymous@anonymous.invalid").kind).toBe("withheld");
  });

  it("numbers shorter than the minimum are internal extensions", () => {
    expect(read("201")).toEqual({ kind: "extension", received: "201", digits: "201" });
    expect(readCallerNumber("123456", "US", 7).kind).toBe("extension");
    expect(readCallerNumber("123456", "US", 5).kind).toBe("number");
  });

  it("refuses text that is not a number, with a one-line reason", () => {
    expect(() => read("alice")).toThrow(UnreadableNumber);
    expect(() => read("555-CALL-NOW")).toThrow(/is not a phone number/);
    expect(() => read("1".repeat(25))).toThrow(UnreadableNumber);
  });
});
