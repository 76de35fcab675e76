import { describe, expect, it } from "vitest";
import { ContactIndex } from "../../src/contacts/contact-index.js";
import { gramHash, HashedKeys, hashKey, PostingLists } from "../../src/contacts/packed.js";
import { parsePhoneQuery } from "../../src/contacts/phone.js";
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
  const index = ContactIndex.from(all, "US");
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
    const extra = ContactIndex.from([...all, contact(9001, "Smith"), contact(9002, "Smithson Ltd")], "US");
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
    const local = ContactIndex.from(all.slice(0, 10), "US");
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

  it("finds by email and by number as built, and follows edits and removals made since", () => {
    const local = ContactIndex.from(
      [
        { ...contact(1, "Ann One", "5551230001"), email: "Shared@Example.com" },
        { ...contact(2, "Ben Two", "", "5551230001"), email: "shared@example.com" },
        contact(3, "Cat Three", "5551230003"),
      ],
      "US",
    );
    const ids = (list: Array<{ id: number }>) => list.map((c) => c.id).sort((a, b) => a - b);
    const byNumber = (digits: string) =>
      local.byPhone(parsePhoneQuery(digits, "US")?.keys ?? [], digits).map((h) => h.contact);
    expect(ids(local.byEmailAddress(" SHARED@example.com"))).toEqual([1, 2]);
    expect(ids(byNumber("5551230001"))).toEqual([1, 2]);

    local.upsert({ ...contact(1, "Ann One", "5559990001"), email: "ann@example.com" });
    local.remove(3);
    local.upsert({ ...contact(4, "Dan Four", "5551230001"), email: "shared@example.com" });
    expect(ids(local.byEmailAddress("shared@example.com"))).toEqual([2, 4]);
    expect(ids(local.byEmailAddress("ann@example.com"))).toEqual([1]);
    expect(ids(byNumber("5551230001"))).toEqual([2, 4]);
    expect(ids(byNumber("5559990001"))).toEqual([1]);
    expect(byNumber("5551230003")).toEqual([]);
    expect(local.byEmailAddress("c3@example.com")).toEqual([]);
  });
});

describe("ContactIndex.build", () => {
  it("builds in slices, letting the event loop run between them, and finds what the one-piece build finds", async () => {
    const all = population();
    let pauses = 0;
    const sliced = await ContactIndex.build(all, "US", {
      sliceMs: 0,
      pause: async () => {
        pauses++;
      },
    });
    const whole = ContactIndex.from(all, "US");
    expect(pauses).toBeGreaterThan(all.length / 256);
    for (const q of ["smith", "mary s", "zoe", "o'connor"]) {
      expect(sliced.byName(q).map((h) => h.contact.id)).toEqual(whole.byName(q).map((h) => h.contact.id));
    }
    expect(sliced.byPartialDigits("0042").map((h) => h.contact.id)).toEqual(
      whole.byPartialDigits("0042").map((h) => h.contact.id),
    );
    expect(sliced.byEmailAddress("c17@example.com").map((c) => c.id)).toEqual([17]);
  });

  it("answers a timer while it builds (the default pause yields to the event loop)", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await ContactIndex.build(population(), "US", { sliceMs: 0 });
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });
});

describe("packed tables", () => {
  it("HashedKeys returns every id filed under a key, and nothing for an unknown key", () => {
    const builder = HashedKeys.builder();
    for (let id = 0; id < 5000; id++) builder.add(`key${id % 1000}`, id);
    const table = builder.done();
    expect(table.size).toBe(5000);
    expect([...table.candidates("key7")]).toEqual([7, 1007, 2007, 3007, 4007]);
    expect([...table.candidates("key1000")]).toEqual([]);
  });

  it("HashedKeys lists colliding keys together, so callers must check (FNV-1a collides on these)", () => {
    // Two different strings with one 32-bit FNV-1a hash, found by search for this test.
    const [a, b] = ["u31992@example.com", "u605430@example.com"];
    expect(hashKey(a)).toBe(hashKey(b));
    const builder = HashedKeys.builder();
    builder.add(a, 1);
    builder.add(b, 2);
    expect([...builder.done().candidates(a)]).toEqual([1, 2]);
    // ...and the index does check: each address finds only its own contact.
    const index = ContactIndex.from(
      [
        { ...contact(1, "Ann"), email: a },
        { ...contact(2, "Ben"), email: b },
      ],
      "US",
    );
    expect(index.byEmailAddress(a).map((c) => c.id)).toEqual([1]);
    expect(index.byEmailAddress(b).map((c) => c.id)).toEqual([2]);
  });

  it("trigram tables list each contact once per gram, and hash a gram as hashKey hashes it", () => {
    expect(gramHash("xabcx", 1)).toBe(hashKey("abc"));
    // "aaaa" holds the gram "aaa" twice: the contact must still be listed once under it.
    const table = PostingLists.ofTrigrams([7, 9, 11], ["aaaa", "aaa", "bcd"]);
    expect([...table.byHash(hashKey("aaa"))]).toEqual([7, 9]);
    expect([...table.byHash(hashKey("bcd"))]).toEqual([11]);
    expect([...table.byHash(hashKey("zzz"))]).toEqual([]);
    expect(table.size).toBe(3);
  });
});
