import { describe, expect, it } from "vitest";
import { ContactIndex } from "../../src/contacts/contact-index.js";
import type { Contact } from "../../src/contacts/types.js";

function contact(id: number, name: string, phone = "", mobile = ""): Contact {
  return {
    id,
    clientId: 1,
    locationId: null,
    name,
    title: "",
    email: `c${id}@example.com`,
    phone,
    phoneCountryCode: null,
    extension: "",
    mobile,
    mobileCountryCode: null,
    department: "",
    notes: "",
    primary: false,
    important: false,
    billing: false,
    technical: false,
    createdAt: null,
    updatedAt: null,
    archivedAt: null,
  };
}

const FIRST = ["Mary", "John", "Zoë", "Siobhán", "Priya", "José"];
const LAST = ["Smith", "Smithers", "Nguyen", "Müller", "O'Connor", "Goldsmith"];

function population(): Contact[] {
  const out: Contact[] = [];
  let id = 1;
  for (let i = 0; i < 3000; i++) {
    const first = FIRST[i % FIRST.length] ?? "";
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length] ?? "";
    out.push(
      contact(
        id,
        `${first} ${last}`,
        `555${String(1000000 + i).slice(1)}`,
        i % 3 ? "" : `44770${String(i).padStart(6, "0")}`,
      ),
    );
    id++;
  }
  return out;
}

describe("ContactIndex", () => {
  const all = population();
  const index = new ContactIndex(all, "US");
  // A slow, obviously right search to compare against.
  const plain = (s: string) => s.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").replace(/'/g, "");
  const brute = (q: string) => {
    const words = plain(q).split(" ");
    return all.filter((c) => words.every((w) => plain(c.name).includes(w)));
  };

  it("returns every match of a multi-word query, not just the first ones it meets", () => {
    const hits = index.byName("mary smith", 1000);
    expect(hits.map((h) => h.contact.id).sort((a, b) => a - b)).toEqual(brute("mary smith").map((c) => c.id));
    expect(hits.length).toBeGreaterThan(50);
  });

  it("ranks exact names first, then names starting with the query, then word starts, then anywhere", () => {
    const extra = new ContactIndex([...all, contact(9001, "Smith"), contact(9002, "Smithson Ltd")], "US");
    const hits = extra.byName("smith", 400);
    expect(hits[0]?.contact.id).toBe(9001);
    expect(hits[0]?.rank).toBe(10);
    expect(hits[1]?.contact.id).toBe(9002);
    const ranks = hits.map((h) => h.rank);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    // "Goldsmith" only contains the word: it ranks after every "… Smith".
    const gold = hits.findIndex((h) => h.contact.name.endsWith("Goldsmith"));
    const lastWordStart = ranks.lastIndexOf(12);
    expect(gold === -1 || gold > lastWordStart).toBe(true);
  });

  it("caps a very common word at the limit but keeps the best-ranked matches", () => {
    const hits = index.byName("smith", 50);
    expect(hits).toHaveLength(50);
    expect(hits.every((h) => h.rank <= 12)).toBe(true);
  });

  it("is accent- and case-insensitive and handles two-letter queries", () => {
    expect(index.byName("SIOBHAN MULLER", 1000).length).toBe(brute("siobhán müller").length);
    expect(index.byName("zoe", 5000).length).toBe(500);
    expect(index.byName("jo", 10).every((h) => h.contact.name.toLowerCase().includes("jo"))).toBe(true);
  });

  it("sees contacts added or renamed after it was built", () => {
    const local = new ContactIndex(all.slice(0, 10), "US");
    local.upsert(contact(5000, "Quentin Quartz", "5550001234"));
    local.upsert({ ...all[0]!, name: "Renamed Person" });
    expect(local.byName("quartz").map((h) => h.contact.id)).toEqual([5000]);
    expect(local.byName("renamed").map((h) => h.contact.id)).toEqual([1]);
    expect(local.byName("mary smith").map((h) => h.contact.id)).not.toContain(1);
    expect(local.byPartialDigits("1234").map((h) => h.contact.id)).toContain(5000);
  });

  it("finds part of a number, numbers ending in it first", () => {
    const hits = index.byPartialDigits("0042", 1000);
    const expected = all.filter((c) => c.phone.includes("0042") || c.mobile.includes("0042"));
    expect(hits.map((h) => h.contact.id).sort((a, b) => a - b)).toEqual(expected.map((c) => c.id));
    const firstInside = hits.findIndex((h) => h.rank === 3);
    expect(hits.slice(0, firstInside === -1 ? hits.length : firstInside).every((h) => h.rank === 2)).toBe(
      true,
    );
  });
});
