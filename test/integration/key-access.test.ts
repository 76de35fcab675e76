// What the API key may see and do, as ITFlow says it now: a key revoked mid-run cuts every answer,
// memory included, until ITFlow accepts it again; a read-only key gets no Create or Edit.
import { describe, expect, it } from "vitest";
import type { View } from "../../commands/views.js";
import type { FakeApiKey } from "../fakes/itflow/index.js";
import {
  type BotOptions,
  createSubmission,
  editSubmission,
  expectView,
  requestsTo,
  useBots,
} from "./support/commands-harness.js";

const KEY_REJECTED: View = {
  kind: "notice",
  level: "error",
  text: "ITFlow rejected the API key: it is missing, wrong or expired. Check ITFLOW_API_KEY.",
};
const READ_ONLY: View = {
  kind: "notice",
  level: "denied",
  text: "This bot's ITFlow API key may only read contacts, so nobody can create or edit them from here; an ITFlow admin can give the key's user a role that may edit clients.",
};

describe("the API key", () => {
  const env = useBots();
  const bot = (options?: BotOptions) => env.bot(options);
  const key = (apiKey: string): FakeApiKey => {
    const found = env.fake.state.keys.find((k) => k.apiKey === apiKey);
    if (!found) throw new Error(`no key ${apiKey}`);
    return found;
  };

  it("revoked mid-run: the first 401 drops the list and caches; every lookup answers with the key problem; access comes back by itself", async () => {
    const b = bot({ keyRecheckMs: 50 });
    expectView(await b.find("alice"), "card");
    // A contact the list did not have, found by an exact read and cached.
    env.fake.state.contacts.push({
      ...env.fake.state.contacts[0]!,
      contact_id: "50",
      contact_name: "Walter Web",
      contact_email: "walter@acme.example",
      contact_primary: "0",
    });
    expectView(await b.find("walter@acme.example"), "card");

    key("KEY_ADMIN").expired = true;
    // The bot hears of it at its next request to ITFlow: here a lookup the list cannot answer.
    expect(await b.find("someone.new@acme.example")).toEqual(KEY_REJECTED);
    // Nothing is answered from memory any more: names, known emails and numbers, ids, the cache.
    for (const query of [
      "alice",
      "alice@acme.example",
      "(555) 123-4567",
      "#1",
      "walter@acme.example",
      "4567",
    ]) {
      expect(await b.find(query), query).toEqual(KEY_REJECTED);
    }
    expect(await b.openEdit({ contactId: 1, cached: true })).toEqual(KEY_REJECTED);
    expect(await b.openCreate("Acme")).toEqual(KEY_REJECTED);
    expect(b.ctx.directory.status().contacts).toBe(0);
    expect(JSON.stringify(b.views.slice(2))).not.toMatch(/Alice Anderson|Walter Web/);

    // ITFlow accepts the key again: the next lookup notices and the list comes back.
    key("KEY_ADMIN").expired = false;
    await new Promise((r) => setTimeout(r, 60));
    expect(expectView(await b.find("alice"), "card").contact.name).toBe("Alice Anderson");
    expect(expectView(await b.find("walter@acme.example"), "card").contact.id).toBe(50);
  });

  it("a save refused with 401 drops the list too", async () => {
    const b = bot();
    const form = await b.editForm({ contactId: 2 });
    key("KEY_ADMIN").expired = true;
    expect(await b.submit(editSubmission(form, { title: "CTO" }))).toEqual(KEY_REJECTED);
    expect(b.ctx.directory.status().contacts).toBe(0);
    expect(await b.find("bob brown")).toEqual(KEY_REJECTED);
  });

  it("read-only: learned without writing, Create and Edit hidden, one clear sentence for whoever asks, re-checked with every list load", async () => {
    const b = bot({ apiKey: "KEY_READONLY", learnWriteAccess: true });
    await b.ctx.directory.warm();
    await expect.poll(() => b.ctx.directory.writeAccess).toBe("forbidden");
    // The probe is a create ITFlow refuses (403 here; "False" for missing fields when allowed).
    const probes = requestsTo(env.fake, "contacts/create.php");
    expect(probes).toHaveLength(1);
    expect(Object.keys(probes[0]?.body as object).sort()).toEqual(["api_key", "client_id"]);
    expect(env.fake.state.contacts).toHaveLength(11);

    expect(expectView(await b.find("alice"), "card").canEdit).toBe(false);
    expect(expectView(await b.find("4567"), "list").canEdit).toBe(false);
    expect(expectView(await b.find("nobody"), "notice").createFrom).toBeUndefined();
    expect(await b.openCreate("Acme")).toEqual(READ_ONLY);
    expect(await b.openEdit({ contactId: 1 })).toEqual(READ_ONLY);
    expect(await b.openEdit({ query: "bob brown" })).toEqual(READ_ONLY);
    expect(await b.submit(createSubmission(1, { name: "Nina New", email: "nina@acme.example" }))).toEqual(
      READ_ONLY,
    );
    expect(requestsTo(env.fake, "contacts/create.php")).toHaveLength(1);

    // The key's ITFlow user gets a role that may edit: the next list load learns it.
    key("KEY_READONLY").level = 2;
    await b.ctx.directory.refresh();
    await expect.poll(() => b.ctx.directory.writeAccess).toBe("allowed");
    expect(expectView(await b.find("alice"), "card").canEdit).toBe(true);
    expect(expectView(await b.openCreate("Acme"), "form").client?.name).toBe("Acme Corp");
    // The probe created nothing: ITFlow refused it for its missing fields.
    expect(env.fake.state.contacts).toHaveLength(11);
  });
});
