// What the caller-ID service says to phone systems, format by format: the desk-phone name, the
// 3CX CRM template and journal, the generic event.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { callerIdName, cutCharacters } from "../../adapters/calls/cid.js";
import { parseCallEvent, shouldPop } from "../../adapters/calls/events.js";
import { splitName } from "../../adapters/calls/lookup-json.js";
import { RequestRefused } from "../../adapters/calls/request.js";
import { parseDuration, parseJournal } from "../../adapters/calls/threecx.js";
import { threeCxTemplate } from "../../adapters/calls/threecx-template.js";
import type { CallerLookup } from "../../commands/calls/lookup.js";
import { callerPart, formatDuration } from "../../commands/calls/pop-view.js";
import { readCallerNumber } from "../../src/contacts/caller-number.js";
import type { ContactRow } from "../../src/contacts/directory.js";

function row(id: number, name: string, clientId: number, client: string): ContactRow {
  return {
    contact: { id, name, clientId } as ContactRow["contact"],
    client: { id: clientId, name: client, archivedAt: null },
    location: null,
    match: "exact",
  };
}

function lookup(...rows: ContactRow[]): CallerLookup {
  return {
    number: readCallerNumber("5551234567", "US", 7),
    matches: rows.map((r) => ({ row: r, matched: "phone" })),
    incomplete: false,
  };
}

describe("callerIdName (/calls/cid)", () => {
  it("names one caller with the client, several at one client by the client, at several with +N", () => {
    expect(callerIdName(lookup(row(1, "Alice Anderson", 1, "Acme Corp")), 40)).toBe(
      "Alice Anderson (Acme Corp)",
    );
    expect(callerIdName(lookup(row(1, "Alice", 1, "Acme Corp"), row(2, "Bob", 1, "Acme Corp")), 40)).toBe(
      "Acme Corp",
    );
    expect(
      callerIdName(
        lookup(row(1, "Alice", 1, "Acme"), row(2, "Bob", 2, "Globex"), row(3, "Cy", 3, "Ini")),
        40,
      ),
    ).toBe("Alice +2");
    expect(callerIdName(lookup(), 40)).toBe("");
  });

  it("cuts to the maximum on a character boundary, keeping the +N", () => {
    const long = lookup(row(1, "Bartholomew Maximilian Featherstonehaugh", 1, "Acme"), row(2, "B", 2, "G"));
    expect(callerIdName(long, 20)).toBe("Bartholomew Maxim +1");
    expect([...callerIdName(long, 20)]).toHaveLength(20);
    expect(callerIdName(lookup(row(1, "Zoë 👩‍💻 Ng", 1, "Café Ltd")), 6)).toBe("Zoë 👩‍💻");
    expect(cutCharacters("👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦", 2)).toBe("👨‍👩‍👧‍👦👨‍👩‍👧‍👦");
  });

  it("puts one line on the desk phone whatever ITFlow holds", () => {
    expect(callerIdName(lookup(row(1, "Alice\r\nAnderson\u0000", 1, "Acme\tCorp")), 40)).toBe(
      "Alice Anderson (Acme Corp)",
    );
  });
});

describe("the pop of an unknown caller", () => {
  const unknown: CallerLookup = {
    number: readCallerNumber("+15550001234", "US", 7),
    matches: [],
    incomplete: false,
  };

  it("offers Create contact prefilled with the number, unless the bot's ITFlow key may only read", () => {
    expect(callerPart(unknown, "US", "https://itflow.example", true).createFrom).toBe("(555) 000-1234");
    expect(callerPart(unknown, "US", "https://itflow.example", false).createFrom).toBeNull();
  });
});

describe("/calls/lookup JSON", () => {
  it("splits ITFlow's one name into first and last name", () => {
    expect(splitName("Alice Anderson")).toEqual({ firstName: "Alice", lastName: "Anderson" });
    expect(splitName("Mary Ann van der Berg")).toEqual({ firstName: "Mary", lastName: "Ann van der Berg" });
    expect(splitName("Cher")).toEqual({ firstName: "Cher", lastName: "" });
  });
});

describe("3CX call journal", () => {
  it.each([
    ["00:03:12", 192],
    ["3:12", 192],
    ["192", 192],
    ["191.6", 192],
    ["01:02:03", 3723],
    ["1.00:00:05", 86_405],
    ["00:03:12.1234567", 192],
    ["soon", null],
  ])("reads the duration %j as %j seconds", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it("reads a ReportCall (keys in any case), taking the duration from the times when none is given", () => {
    const journal = parseJournal(
      {
        calltype: "Notanswered",
        number: "+15551234567",
        agent: "101",
        callstarttimeutc: "2026-12-01 14:00:00",
        callendtimeutc: "2026-12-01T14:00:45Z",
      },
      "US",
      7,
    );
    expect(journal).toMatchObject({ callType: "missed", agent: "101", durationSec: 45 });
    expect(journal.number).toMatchObject({ kind: "number", key: "+15551234567" });
  });

  it("refuses a journal without a call type or a number, saying which", () => {
    expect(() => parseJournal({ number: "5551234567" }, "US", 7)).toThrow(/CallType/);
    expect(() => parseJournal({ calltype: "Inbound" }, "US", 7)).toThrow(/Number/);
    expect(() => parseJournal({ calltype: "Hangup", number: "1" }, "US", 7)).toThrow(/unknown "CallType"/);
  });
});

describe("the generic call event", () => {
  const parse = (fields: Record<string, unknown>) => parseCallEvent(fields, "US", 7);

  it("defaults the direction to in and accepts numbers sent as JSON numbers", () => {
    const e = parse({ event: "ringing", callid: 42, from: 15551234567 });
    expect(e).toMatchObject({ callId: "42", direction: "in", to: null, agent: null });
    expect(e.from).toMatchObject({ kind: "number", key: "+15551234567" });
  });

  it("refuses a bad event with a one-line reason naming the field", () => {
    const reason = (fields: Record<string, unknown>) => {
      try {
        parse(fields);
        return "accepted";
      } catch (error) {
        return error instanceof RequestRefused ? `${error.status} ${error.message}` : String(error);
      }
    };
    expect(reason({ event: "ringing", from: "5551234567" })).toBe('400 "callId" is missing');
    expect(reason({ event: "ringing", callid: "1" })).toBe('400 missing number: "from" is required');
    expect(reason({ event: "ringing", callid: "1", from: "bob" })).toMatch(
      /^400 unreadable number in "from"/,
    );
    expect(reason({ event: "ringing", callid: "1", from: "1", direction: "sideways" })).toBe(
      '400 "direction" must be in or out',
    );
  });

  it("pops inbound calls from outside only", () => {
    const pops = (fields: Record<string, unknown>) =>
      shouldPop(parse({ event: "ringing", callid: "1", ...fields }), "US", 7);
    expect(pops({ from: "5551234567" })).toBe(true);
    expect(pops({ from: "anonymous" })).toBe(true);
    expect(pops({ from: "5551234567", direction: "out" })).toBe(false);
    expect(pops({ from: "201", to: "202" })).toBe(false);
    expect(pops({ from: "201" })).toBe(false);
  });

  it("says how long a call took as people say it", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(192)).toBe("3 min 12 s");
    expect(formatDuration(180)).toBe("3 min");
    expect(formatDuration(3720)).toBe("1 h 2 min");
  });
});

describe("itflow-contact calls-template 3cx", () => {
  const xml = threeCxTemplate("https://bot.example.com/itflow/");
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml) as {
    Crm: {
      Number: { Prefix: string };
      Parameters: { Parameter: Array<{ Name: string }> };
      Scenarios: {
        Scenario: Array<{
          Id: string;
          Request: {
            Url: string;
            RequestType: string;
            Headers: { Value: { Key: string; "#text": string } };
            PostValues?: { Value: Array<{ Key: string; "#text": string }> };
          };
          Outputs?: { Output: Array<{ Type: string; Value: string }> };
        }>;
      };
    };
  };
  const scenario = (id: string) => parsed.Crm.Scenarios.Scenario.find((s) => s.Id === id);

  it("is well-formed XML", () => {
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  it("looks callers up at the given address with the token in a header, the number sent with its +", () => {
    const lookupScenario = scenario("");
    expect(lookupScenario?.Request.Url).toBe("https://bot.example.com/itflow/calls/lookup?number=[Number]");
    expect(lookupScenario?.Request.RequestType).toBe("Get");
    expect(lookupScenario?.Request.Headers.Value).toMatchObject({
      Key: "Authorization",
      "#text": "Bearer [Token]",
    });
    expect(parsed.Crm.Number.Prefix).toBe("Plus");
    expect(parsed.Crm.Parameters.Parameter.map((p) => p.Name)).toContain("Token");
    expect(lookupScenario?.Outputs?.Output.map((o) => o.Type)).toEqual(
      expect.arrayContaining([
        "ContactID",
        "FirstName",
        "LastName",
        "CompanyName",
        "Email",
        "PhoneBusiness",
        "PhoneMobile",
        "ContactUrl",
      ]),
    );
  });

  it("journals calls to /calls/3cx/journal with what the bot reads", () => {
    const report = scenario("ReportCall");
    expect(report?.Request.Url).toBe("https://bot.example.com/itflow/calls/3cx/journal");
    expect(report?.Request.RequestType).toBe("Post");
    expect(report?.Request.PostValues?.Value.map((v) => v.Key)).toEqual(
      expect.arrayContaining([
        "CallType",
        "Number",
        "Agent",
        "Duration",
        "CallStartTimeUTC",
        "CallEndTimeUTC",
      ]),
    );
  });

  it("refuses an address that is not one, and escapes what it puts in XML", () => {
    expect(() => threeCxTemplate("bot.example.com")).toThrow(/--url/);
    expect(() => threeCxTemplate("https://bot.example.com/?x=1")).toThrow(/plain address/);
    expect(XMLValidator.validate(threeCxTemplate("https://bot.example.com/a&b<c>"))).toBe(true);
  });
});
