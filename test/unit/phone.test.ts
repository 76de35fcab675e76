import { readFileSync } from "node:fs";
import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  parsePhoneNumberFromString,
} from "libphonenumber-js";
import examples from "libphonenumber-js/examples.mobile.json";
import { describe, expect, it } from "vitest";
import {
  digitsOnly,
  formatPhone,
  type PhoneQuery,
  parsePhoneQuery,
  phoneForStorage,
  phoneInternals,
  phoneKeys,
  queryKeys,
  telUri,
} from "../../src/contacts/phone.js";

function parsed(input: string, region: CountryCode = "US"): PhoneQuery {
  const q = parsePhoneQuery(input, region);
  if (!q) throw new Error(`expected "${input}" to parse as a phone number`);
  return q;
}

/** Does a query typed as `typed` find a contact whose number is stored as (`stored`, `cc`)? */
function finds(stored: string, cc: string | null, typed: string, region: CountryCode = "US"): boolean {
  const storedKeys = new Set(phoneKeys(stored, cc, region));
  return queryKeys(parsed(typed, region)).some((k) => storedKeys.has(k));
}

describe("digitsOnly", () => {
  it("keeps digits only", () => {
    expect(digitsOnly("+1 (555) 123-4567 x101")).toBe("15551234567101");
    expect(digitsOnly("")).toBe("");
    expect(digitsOnly("abc")).toBe("");
  });
});

describe("parsePhoneQuery", () => {
  it.each([
    ["(555) 123-4567", "5551234567"],
    ["555-123-4567", "5551234567"],
    ["555.123.4567", "5551234567"],
    ["555 123 4567", "5551234567"],
    ["+1 555 123 4567", "15551234567"],
    ["+1 (555) 123-4567", "15551234567"],
    ["1-555-123-4567", "15551234567"],
    ["1 (555) 123 4567", "15551234567"],
    ["555‑123‑4567", "5551234567"], // non-breaking hyphens, as pasted from a web page
    ["５５５－１２３－４５６７", "5551234567"], // full-width
    ["tel:+1-555-123-4567", "15551234567"],
  ])("reads %s as +15551234567", (input, digits) => {
    const q = parsed(input);
    expect(q.input).toBe(input);
    expect(q.digits).toBe(digits);
    expect(q.e164).toBe("+15551234567");
    expect(q.extension).toBeNull();
    expect(q.variants).toContain("5551234567");
    expect(q.variants).toContain("15551234567");
  });

  it("puts the national digits first for a number of the region", () => {
    expect(parsed("(555) 123-4567").variants).toEqual(["5551234567", "15551234567"]);
    expect(parsed("+15557654321").variants).toEqual(["5557654321", "15557654321"]);
  });

  it("gives the UK forms ITFlow may hold for +44 7700 900123", () => {
    const q = parsed("+44 7700 900123");
    expect(q.e164).toBe("+447700900123");
    expect(q.digits).toBe("447700900123");
    expect(q.variants).toEqual(["7700900123", "07700900123", "447700900123"]);
  });

  it("keeps a UK number with its trunk 0 useful in a US region", () => {
    const q = parsed("07700 900123");
    expect(q.e164).toBeNull();
    expect(q.variants).toEqual(["07700900123", "7700900123"]);
  });

  it("reads the same number as UK national format in a GB region", () => {
    const q = parsed("07700 900123", "GB");
    expect(q.e164).toBe("+447700900123");
    expect(q.variants).toEqual(["7700900123", "07700900123", "447700900123"]);
  });

  it("takes 00 as an international prefix even where the region dials 011", () => {
    const q = parsed("00 44 7700 900123");
    expect(q.e164).toBe("+447700900123");
    expect(q.variants.slice(0, 3)).toEqual(["7700900123", "07700900123", "447700900123"]);
    expect(q.variants).toContain("00447700900123"); // what an API user may have typed
    expect(parsed("011 44 7700 900123").e164).toBe("+447700900123");
  });

  it("reads a country code typed without +", () => {
    expect(parsed("447700900789").e164).toBe("+447700900789");
    expect(parsed("15557654321").e164).toBe("+15557654321");
  });

  it.each([
    ["555-123-4567 x101"],
    ["555-123-4567 X101"],
    ["555-123-4567x101"],
    ["555-123-4567 x 101"],
    ["555-123-4567 ext. 101"],
    ["555-123-4567 ext 101"],
    ["555-123-4567 Ext: 101"],
    ["555-123-4567 extn 101"],
    ["555-123-4567 extension 101"],
    ["555-123-4567 #101"],
    ["555-123-4567#101"],
    ["tel:+1-555-123-4567;ext=101"],
  ])("separates the extension in %s", (input) => {
    const q = parsed(input);
    expect(q.extension).toBe("101");
    expect(q.e164).toBe("+15551234567");
    expect(q.digits.endsWith("101")).toBe(false);
    for (const v of q.variants) expect(v).not.toMatch(/101$/);
  });

  it.each([
    [""],
    ["   "],
    ["123456"], // 6 digits: a partial number, not a phone
    ["12-34-56"],
    ["1-800-FLOWERS"], // letters are refused, vanity numbers included
    ["555-123-4567 (office)"],
    ["Room 5551234"],
    ["alice@acme.example"],
    ["5551234567@acme.example"],
    ["555+123-4567"], // "+" only in front
    ["1234567890123456789"], // 19 digits
    ["x101"],
    ["#42"],
    ["ext. 1234567"],
  ])("refuses %j", (input) => {
    expect(parsePhoneQuery(input, "US")).toBeNull();
  });

  it("accepts 7 digits (a local number) without a country", () => {
    const q = parsed("555-1234");
    expect(q.digits).toBe("5551234");
    expect(q.e164).toBeNull();
    expect(q.variants).toEqual(["5551234"]);
  });

  it("never returns empty or duplicate variants or keys", () => {
    for (const input of ["(555) 123-4567", "+44 7700 900123", "07700 900123", "5551234", "00447700900123"]) {
      for (const region of ["US", "GB", "DE"] as const) {
        const q = parsed(input, region);
        expect(q.variants.length).toBeGreaterThan(0);
        expect(new Set(q.variants).size).toBe(q.variants.length);
        expect(q.variants.every((v) => /^\d+$/.test(v))).toBe(true);
        expect(q.keys.length).toBeGreaterThan(0);
        expect(new Set(q.keys).size).toBe(q.keys.length);
        expect(q.keys.every((k) => k.length > 1)).toBe(true);
      }
    }
  });

  it("queryKeys returns the query's keys", () => {
    const q = parsed("+44 7700 900123");
    expect(queryKeys(q)).toEqual(q.keys);
  });
});

describe("phoneKeys", () => {
  it("has no keys for an empty number", () => {
    expect(phoneKeys("", null, "US")).toEqual([]);
    expect(phoneKeys("", "44", "US")).toEqual([]);
    expect(phoneKeys("  ", null, "US")).toEqual([]);
  });

  it.each([["5557654321"], ["(555) 765-4321"], ["+1 555 765 4321"], ["1-555-765-4321"], ["15557654321"]])(
    "finds 15557654321 (no country code) by %s",
    (typed) => {
      expect(finds("15557654321", null, typed)).toBe(true);
    },
  );

  it.each([["+44 7700 900123"], ["07700 900123"], ["7700900123"], ["00 44 7700 900123"]])(
    "finds 7700900123 / 44 by %s",
    (typed) => {
      expect(finds("7700900123", "44", typed)).toBe(true);
    },
  );

  it.each([["+44 7700 900456"], ["7700900456"], ["07700 900456"]])(
    "finds 07700900456 / 44 by %s",
    (typed) => {
      expect(finds("07700900456", "44", typed)).toBe(true);
    },
  );

  it.each([["+44 7700 900789"], ["447700900789"], ["07700 900789"]])(
    "finds 447700900789 (no country code) by %s",
    (typed) => {
      expect(finds("447700900789", null, typed)).toBe(true);
    },
  );

  it.each([["(555) 123-4567"], ["+1 555 123 4567"], ["5551234567"], ["15551234567"]])(
    "finds 5551234567 / 1 and 5551234567 without country code by %s",
    (typed) => {
      expect(finds("5551234567", "1", typed)).toBe(true);
      expect(finds("5551234567", null, typed)).toBe(true);
    },
  );

  it("finds a UK number stored with its trunk 0 and no country code", () => {
    expect(finds("07700900123", null, "+44 7700 900123")).toBe(true);
    expect(finds("07700900123", null, "07700 900123")).toBe(true);
    expect(finds("07700900123", null, "7700900123")).toBe(true);
  });

  it("does not confuse different numbers", () => {
    expect(finds("5551234567", null, "(555) 123-4568")).toBe(false);
    expect(finds("5551234567", "1", "+44 555 123 4567")).toBe(false);
    expect(finds("5550001111", null, "5550002222")).toBe(false);
  });

  it("keeps two explicit countries apart when the national digits collide", () => {
    // London 020 7946 0018 and Maine (207) 946-0018 share their national digits.
    expect(finds("2079460018", "44", "+1 207 946 0018")).toBe(false);
    expect(finds("2079460018", "44", "+44 20 7946 0018")).toBe(true);
    expect(finds("12079460018", null, "+44 20 7946 0018")).toBe(false);
    expect(finds("7700900123", "44", "+1 770 090 0123")).toBe(false);
    expect(finds("447700900789", null, "+1 770 090 0789")).toBe(false);
  });

  it("lets a number without a known country meet any country with the same national digits", () => {
    // Created through the API, which cannot set the country code: it may be a UK mobile.
    expect(finds("7700900123", null, "+44 7700 900123")).toBe(true);
  });

  it("reads the stored number with the region when the country-code column is empty", () => {
    expect(finds("07700900456", null, "+44 7700 900456", "GB")).toBe(true);
    expect(finds("07700900456", null, "07700 900456", "GB")).toBe(true);
    expect(finds("07700900456", null, "7700 900456", "GB")).toBe(true);
    expect(finds("447700900789", null, "07700 900789", "GB")).toBe(true);
  });

  it("survives a country-code column ITFlow never meant", () => {
    expect(phoneKeys("5551234567", "999", "US")).toContain("5551234567");
    expect(phoneKeys("5551234567", "+1", "US")).toContain("+15551234567");
    expect(() => phoneKeys("12", "44", "US")).not.toThrow();
  });

  it("finds every seed contact by its own formatted number and by E.164", () => {
    const seed = JSON.parse(
      readFileSync(new URL("../fixtures/itflow/seed.json", import.meta.url), "utf8"),
    ) as {
      contacts: Record<string, string | null>[];
    };
    let checked = 0;
    for (const c of seed.contacts) {
      for (const [field, ccField] of [
        ["contact_phone", "contact_phone_country_code"],
        ["contact_mobile", "contact_mobile_country_code"],
      ] as const) {
        const stored = c[field];
        if (!stored) continue;
        const cc = c[ccField] ?? null;
        const formatted = formatPhone(stored, cc, "US");
        expect(finds(stored, cc, formatted), `${stored}/${cc} as ${formatted}`).toBe(true);
        const uri = telUri(stored, cc, "US");
        expect(uri).not.toBeNull();
        expect(finds(stored, cc, (uri ?? "").slice(4)), `${stored}/${cc} as ${uri}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBe(12);
  });

  it("agrees with libphonenumber-js wherever it takes its shortcut", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    let fast = 0;
    let total = 0;
    const mismatches: string[] = [];
    for (const country of getCountries()) {
      const example = getExampleNumber(country, examples);
      if (!example) continue;
      const cc = getCountryCallingCode(country);
      const national = digitsOnly(example.format("NATIONAL"));
      for (const base of [example.nationalNumber, national, cc + example.nationalNumber, cc + national]) {
        for (let i = 0; i < 6; i++) {
          // The example's leading digits, a random tail, one digit shorter / same / one longer.
          let d = base.slice(0, Math.floor(random() * base.length));
          while (d.length < base.length + (i % 3) - 1) d += Math.floor(random() * 10);
          for (const key of [country, `+${cc}`, "US", "GB", "+"]) {
            total++;
            const quick = phoneInternals.fastRead(d, key);
            if (quick === undefined) continue;
            fast++;
            const slow = phoneInternals.slowRead(d, key);
            if (JSON.stringify(quick) !== JSON.stringify(slow)) {
              mismatches.push(`${key} ${d}: ${JSON.stringify(quick)} vs ${JSON.stringify(slow)}`);
            }
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(fast / total).toBeGreaterThan(0.7);
  });

  it("takes the shortcut for the usual shapes", () => {
    expect(phoneInternals.fastRead("5551234567", "US")).toEqual({ cc: "1", nsn: "5551234567" });
    expect(phoneInternals.fastRead("15551234567", "US")).toEqual({ cc: "1", nsn: "5551234567" });
    expect(phoneInternals.fastRead("07700900456", "+44")).toEqual({ cc: "44", nsn: "7700900456" });
    expect(phoneInternals.fastRead("447700900789", "+")).toEqual({ cc: "44", nsn: "7700900789" });
    expect(phoneInternals.fastRead("447700900789", "US")).toBeNull();
  });

  it("indexes 100,000 stored numbers quickly", () => {
    const shapes: ((t: string) => [string, string | null])[] = [
      (t) => [`555${t}`, null],
      (t) => [`212${t}`, "1"],
      (t) => [`1555${t}`, null],
      (t) => [`07700${t.slice(1)}`, "44"],
      (t) => [`7700${t.slice(1)}`, "44"],
      (t) => [`447700${t.slice(1)}`, null],
      (t) => [`07700${t.slice(1)}`, null],
      (t) => [`4930${t}`, null],
      () => ["", null],
      (t) => [`416${t}`, null],
    ];
    const rows: [string, string | null][] = [];
    for (let i = 0; i < 100_000; i++) {
      const shape = shapes[i % shapes.length];
      if (shape) rows.push(shape(String(1_000_000 + ((i * 104_729 + 17) % 9_000_000)).slice(-7)));
    }
    const start = performance.now();
    let keys = 0;
    for (const [stored, cc] of rows) keys += phoneKeys(stored, cc, "US").length;
    const ms = performance.now() - start;
    expect(keys).toBeGreaterThan(200_000);
    // libphonenumber-js alone needs 1-6 s here; the shortcut makes it ~50 ms.
    expect(ms).toBeLessThan(1500);
  });
});

describe("formatPhone", () => {
  it.each([
    ["5551234567", null, "(555) 123-4567"],
    ["5551234567", "1", "(555) 123-4567"],
    ["15557654321", null, "(555) 765-4321"],
    ["4165550199", null, "(416) 555-0199"], // Canada shares +1: national format for a US bot
    ["7700900123", "44", "+44 7700 900123"],
    ["07700900456", "44", "+44 7700 900456"],
    ["447700900789", null, "+44 7700 900789"],
    ["2079460018", "44", "+44 20 7946 0018"],
  ])("shows %s / %s as %s", (stored, cc, shown) => {
    expect(formatPhone(stored, cc, "US")).toBe(shown);
  });

  it("uses national format for numbers of the default region", () => {
    expect(formatPhone("07700900456", null, "GB")).toBe("07700 900456");
    expect(formatPhone("7700900123", "44", "GB")).toBe("07700 900123");
    expect(formatPhone("5551234567", "1", "GB")).toBe("+1 555 123 4567");
  });

  it("falls back to the stored digits", () => {
    expect(formatPhone("07700900123", null, "US")).toBe("07700900123");
    expect(formatPhone("12", null, "US")).toBe("12");
    expect(formatPhone("", null, "US")).toBe("");
  });

  it("formats what it parses back to the same number", () => {
    for (const [stored, cc] of [
      ["5551234567", null],
      ["447700900789", null],
      ["07700900456", "44"],
    ] as const) {
      const e164 = parsePhoneNumberFromString(formatPhone(stored, cc, "US"), "US")?.number;
      expect(telUri(stored, cc, "US")).toBe(`tel:${e164}`);
    }
  });
});

describe("telUri", () => {
  it("builds an RFC 3966 URI", () => {
    expect(telUri("5551234567", "1", "US")).toBe("tel:+15551234567");
    expect(telUri("5551234567", null, "US", "101")).toBe("tel:+15551234567;ext=101");
    expect(telUri("15557654321", null, "US")).toBe("tel:+15557654321");
    expect(telUri("07700900456", "44", "US")).toBe("tel:+447700900456");
    expect(telUri("447700900789", null, "US", "")).toBe("tel:+447700900789");
    expect(telUri("5551234567", null, "US", null)).toBe("tel:+15551234567");
    expect(telUri("5551234567", null, "US", "x 101")).toBe("tel:+15551234567;ext=101");
  });

  it("gives null when the country cannot be known", () => {
    expect(telUri("", null, "US")).toBeNull();
    expect(telUri("07700900123", null, "US")).toBeNull();
    expect(telUri("123", null, "US", "101")).toBeNull();
  });
});

describe("phoneForStorage", () => {
  const digits = (typed: string, region: "US" | "GB" = "US") => phoneForStorage(typed, region)?.digits;

  it("stores what ITFlow's own forms would", () => {
    expect(digits("(555) 123-4567")).toBe("5551234567");
    expect(digits("+1 555 123 4567")).toBe("5551234567");
    expect(digits("1-555-123-4567")).toBe("5551234567");
    expect(digits("+44 7700 900123")).toBe("447700900123");
    expect(digits("07700 900123", "GB")).toBe("7700900123");
    expect(digits("07700 900123")).toBe("07700900123");
    expect(phoneForStorage("(555) 123-4567", "US")?.extension).toBeNull();
  });

  it("reads an extension written after the number apart, for the extension field", () => {
    expect(phoneForStorage("555 123 4567 ext. 12", "US")).toEqual({ digits: "5551234567", extension: "12" });
    expect(phoneForStorage("5551234567 x123", "US")).toEqual({ digits: "5551234567", extension: "123" });
    expect(phoneForStorage("555-123-4567 x101", "US")).toEqual({ digits: "5551234567", extension: "101" });
    expect(phoneForStorage("+44 20 7946 0958 extension 7", "US")).toEqual({
      digits: "442079460958",
      extension: "7",
    });
  });

  it("refuses what is not a phone number", () => {
    expect(phoneForStorage("12", "US")).toBeNull();
    expect(phoneForStorage("call me", "US")).toBeNull();
    expect(phoneForStorage("x101", "US")).toBeNull();
  });
});
