// Editing through older ITFlow releases, whose update.php blanks and moves a contact when a field
// or the right client_id is missing (26.07) and breaks on a stored apostrophe in a field it keeps
// (25.12): a save changes what the user changed and nothing else.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeItflow, type FakeItflowVersion, startFakeItflow } from "../fakes/itflow/index.js";
import {
  Bot,
  editSubmission,
  expectNothingSecret,
  expectView,
  flattened,
  requestsTo,
  rowOf,
} from "./support/commands-harness.js";

/** Every column except the ones the edit changes (and the timestamp ITFlow bumps). */
function everythingBut(fake: FakeItflow, id: number, ...changed: string[]): Record<string, string> {
  const row = flattened(rowOf(fake, id));
  for (const column of ["contact_updated_at", ...changed]) delete row[column];
  return row;
}

for (const version of ["26.07", "25.12"] satisfies FakeItflowVersion[]) {
  describe(`editing against ITFlow ${version}`, () => {
    let fake: FakeItflow;
    let b: Bot;

    beforeAll(async () => {
      fake = await startFakeItflow({ version });
    });
    beforeEach(() => {
      fake.reset();
      b = new Bot(fake);
    });
    afterEach(async () => {
      expectNothingSecret(b.views, b.apiKey);
      await b.close();
    });
    afterAll(async () => {
      await fake.close();
    });

    it("Carol O'Connor: only the title changes; name, numbers, flags, client and location stay", async () => {
      const form = await b.editForm({ query: "carol@acme.example" });
      expect(form.values).toMatchObject({ name: "Carol O'Connor", mobile: "(555) 765-4321", billing: true });
      const before = everythingBut(fake, 3, "contact_title");
      const card = expectView(await b.submit(editSubmission(form, { title: "Head of Accounts" })), "card");
      expect(card.saved).toEqual({
        created: false,
        changes: [{ key: "title", label: "Title", before: "Accounts", after: "Head of Accounts" }],
        demotedPrimary: null,
        differences: [],
        cleaned: [],
      });
      expect(card.contact).toMatchObject({
        id: 3,
        name: "Carol O'Connor",
        client: { id: 1, name: "Acme Corp" },
        flags: { primary: false, important: false, billing: true, technical: false },
      });
      const row = rowOf(fake, 3);
      expect(row).toMatchObject({
        contact_name: "Carol O'Connor",
        contact_title: "Head of Accounts",
        contact_email: "carol@acme.example",
        contact_mobile: "15557654321",
        contact_department: "Finance",
        contact_billing: "1",
        contact_client_id: "1",
        contact_location_id: "0",
      });
      expect(everythingBut(fake, 3, "contact_title")).toEqual(before);
      const [update] = requestsTo(fake, "contacts/update.php");
      expect(update?.body).toMatchObject({ contact_id: 3, client_id: 1, contact_name: "Carol O'Connor" });
    });

    it("Alice (primary, location, extension): only the department changes; she stays primary", async () => {
      const form = await b.editForm({ contactId: 1 });
      const before = everythingBut(fake, 1, "contact_department");
      const card = expectView(await b.submit(editSubmission(form, { department: "Board" })), "card");
      expect(card.saved).toEqual({
        created: false,
        changes: [{ key: "department", label: "Department", before: "", after: "Board" }],
        demotedPrimary: null,
        differences: [],
        cleaned: [],
      });
      expect(rowOf(fake, 1)).toMatchObject({
        contact_department: "Board",
        contact_primary: "1",
        contact_location_id: "1",
        contact_client_id: "1",
        contact_extension: "101",
        contact_phone: "5551234567",
      });
      expect(everythingBut(fake, 1, "contact_department")).toEqual(before);
      // Nobody else in the client was touched (update.php clears and resets primary flags).
      for (const id of [2, 3, 8, 10, 11]) expect(rowOf(fake, id)?.contact_primary, `contact ${id}`).toBe("0");
      expect(rowOf(fake, 4)?.contact_primary).toBe("1"); // Globex's primary
    });
  });
}
