import { describe, expect, it } from "vitest";
import { classifyQuery, type Query } from "../../src/contacts/query.js";

const q = (input: string): Query => classifyQuery(input, "US");

describe("classifyQuery", () => {
  it.each([[""], ["   "], ["\t\n"], ['""'], ["''"], ["“ ”"], ["<b></b>"], ["\u200B"]])(
    "%j is empty",
    (input) => {
      expect(q(input)).toEqual({ kind: "empty" });
    },
  );

  it.each([
    ["#42", 42],
    ["# 42", 42],
    ["id:42", 42],
    ["ID: 42", 42],
    ["id 42", 42],
    ["id#7", 7],
    ["  #42  ", 42],
    ['"#42"', 42],
  ])("%j is contact id %i", (input, id) => {
    expect(q(input)).toEqual({ kind: "id", id });
  });

  it("does not take a bare number or an impossible id as an id", () => {
    expect(q("42").kind).toBe("name");
    expect(q("4567")).toEqual({ kind: "partialPhone", digits: "4567" });
    expect(q("#0").kind).toBe("name");
    expect(q("#99999999999").kind).toBe("name");
    expect(q("#2147483648").kind).toBe("name");
    expect(q("#2147483647")).toEqual({ kind: "id", id: 2147483647 });
  });

  it.each([
    ["alice@acme.example", "alice@acme.example"],
    ["  Alice@ACME.example ", "alice@acme.example"],
    ["Alice+Support@Acme.Example", "alice+support@acme.example"],
    ["mona.mixed+tag@acme.example", "mona.mixed+tag@acme.example"],
    ["mailto:bob@acme.example", "bob@acme.example"],
    ["MAILTO:Bob@Acme.Example?subject=Hi", "bob@acme.example"],
    ["mailto:alice%2Btag@acme.example", "alice+tag@acme.example"],
    ["Grace Hopper <grace@globex.example>", "grace@globex.example"],
    ['"Hopper, Grace" <grace@globex.example>', "grace@globex.example"],
    ["<grace@globex.example>", "grace@globex.example"],
    ["<mailto:grace@globex.example|grace@globex.example>", "grace@globex.example"], // Slack
    ["'carol@acme.example'", "carol@acme.example"],
    ["x@y", "x@y"],
  ])("%j is email %s", (input, email) => {
    expect(q(input)).toEqual({ kind: "email", email });
  });

  it.each([
    ["alice@", "alice@"],
    ["@acme.example", "@acme.example"],
    ["alice@@acme.example", "alice@@acme.example"],
    ["alice@acme.", "alice@acme."],
    ["alice@acme..example", "alice@acme..example"],
    ["Bob <bob@>", "bob@"],
    ["mailto:", null],
  ])("%j is an invalid email", (input, shown) => {
    if (shown === null) {
      expect(q(input).kind).not.toBe("email");
      return;
    }
    expect(q(input)).toEqual({ kind: "invalidEmail", input: shown });
  });

  it("leaves an @ between words to the name search", () => {
    expect(q("Grace @ Globex")).toMatchObject({ kind: "name", text: "Grace @ Globex" });
  });

  it.each([
    ["(555) 123-4567", "+15551234567"],
    ["555-123-4567", "+15551234567"],
    ["555.123.4567", "+15551234567"],
    ["+1 555 123 4567", "+15551234567"],
    ["1-555-123-4567", "+15551234567"],
    ["+44 7700 900123", "+447700900123"],
    ["00 44 7700 900123", "+447700900123"],
    ['"(555) 123-4567"', "+15551234567"],
    ["tel:+15551234567", "+15551234567"],
    ["<tel:+15551234567|+1 555 123 4567>", "+15551234567"], // Slack
  ])("%j is phone %s", (input, e164) => {
    const r = q(input);
    expect(r.kind).toBe("phone");
    if (r.kind === "phone") expect(r.phone.e164).toBe(e164);
  });

  it("keeps the extension apart", () => {
    const r = q("555-123-4567 ext. 101");
    expect(r.kind).toBe("phone");
    if (r.kind !== "phone") return;
    expect(r.phone.digits).toBe("5551234567");
    expect(r.phone.extension).toBe("101");
    expect(r.phone.keys.length).toBeGreaterThan(0);
  });

  it("takes a UK number with its trunk 0 as a phone even in the US", () => {
    const r = q("07700 900123");
    expect(r.kind).toBe("phone");
    if (r.kind === "phone") expect(r.phone.variants).toEqual(["07700900123", "7700900123"]);
  });

  it.each([
    ["123", "123"],
    ["4567", "4567"],
    ["123-45", "12345"],
    ["(555)", "555"],
    ["12 34 56", "123456"],
    ["123456", "123456"],
  ])("%j is a partial phone %s", (input, digits) => {
    expect(q(input)).toEqual({ kind: "partialPhone", digits });
  });

  it("tells 6 digits (partial) from 7 digits (a phone number)", () => {
    expect(q("123456").kind).toBe("partialPhone");
    const r = q("1234567");
    expect(r.kind).toBe("phone");
    if (r.kind === "phone") expect(r.phone.digits).toBe("1234567");
  });

  it.each([
    ["Alice", "alice"],
    ["  alice   anderson ", "alice anderson"],
    ["José Müller", "jose muller"],
    ["Ærø", "aero"],
    ["'José Müller'", "jose muller"],
    ["“Carol O’Connor”", "carol oconnor"],
    ["Grace <b>Hopper</b>", "grace hopper"],
    ["1-800-FLOWERS", "1-800-flowers"],
    ["Suite 5B", "suite 5b"],
    ["42", "42"],
    ["12", "12"],
    ["#abc", "#abc"],
    ["O'Connor", "oconnor"],
  ])("%j is a name search for %j", (input, normalized) => {
    const r = q(input);
    expect(r).toMatchObject({ kind: "name", normalized });
  });

  it("keeps the text as typed, trimmed, collapsed and unquoted", () => {
    expect(q('  "Alice   Anderson"  ')).toEqual({
      kind: "name",
      text: "Alice Anderson",
      normalized: "alice anderson",
    });
    expect(q("'Carol O'Connor'")).toMatchObject({ kind: "name", text: "Carol O'Connor" });
  });

  it("strips only a matching pair of quotes", () => {
    expect(q('"Alice')).toMatchObject({ kind: "name", text: '"Alice' });
    expect(q("'Alice\"")).toMatchObject({ kind: "name", text: "'Alice\"" });
  });

  it("uses the region for phone numbers", () => {
    const gb = classifyQuery("07700 900123", "GB");
    expect(gb.kind === "phone" && gb.phone.e164).toBe("+447700900123");
  });
});
