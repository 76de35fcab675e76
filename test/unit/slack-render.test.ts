// The Slack renderers' pure parts: escaping, the form ↔ modal round trip, the metadata a form
// carries, and where submit errors go.
import { describe, expect, it } from "vitest";
import { renderMessage } from "../../adapters/slack/render/cards.js";
import { clip, escapeMrkdwn, escapeProse, mrkdwnLink } from "../../adapters/slack/render/escape.js";
import {
  decodeMetadata,
  encodeMetadata,
  formModal,
  inlineErrors,
  readSubmission,
  responseUrlOf,
  viewStateSchema,
} from "../../adapters/slack/render/modals.js";
import type { FormView } from "../../commands/views.js";
import { stateOf } from "../fakes/slack/modal-state.js";

describe("archived matches", () => {
  it("a notice for archived-only matches offers to show each, and no Create button", () => {
    const archived = {
      id: 11,
      name: "Zed Archived",
      title: "",
      email: "zed@acme.example",
      department: "",
      phones: [],
      client: { id: 1, name: "Acme Corp" },
      location: null,
      flags: { primary: false, important: false, billing: false, technical: false },
      notes: "",
      notesTruncated: false,
      archived: true,
      itflowUrl: "https://itflow.example.com/agent/contact_details.php?client_id=1&contact_id=11",
      raw: { phone: "", mobile: "", extension: "" },
    };
    const message = renderMessage({
      kind: "notice",
      level: "notFound",
      text: 'No active contact matches "zed", but an archived contact does.',
      archived: [archived],
    });
    const json = JSON.stringify(message.blocks);
    expect(json).toContain("Zed Archived");
    expect(json).toContain('"action_id":"contact_open","value":"11"');
    expect(json).toContain("Show archived contact");
    expect(json).not.toContain("contact_create");
  });
});

describe("escaping", () => {
  it("turns Slack markup in data into text that shows as typed", () => {
    expect(escapeMrkdwn("<!channel> <@U123> <https://x|y> & co")).toBe(
      "&lt;!channel&gt; &lt;@U123&gt; &lt;https://x|y&gt; &amp; co",
    );
    // Already-escaped text is escaped again: "&amp;" typed by a user shows as "&amp;".
    expect(escapeMrkdwn("&amp;")).toBe("&amp;amp;");
  });

  it("breaks formatting characters in prose with an invisible mark, leaving the letters alone", () => {
    const shown = escapeProse("*VIP* _Ops_ ~x~ `y`");
    expect(shown.replace(/\u200b/g, "")).toBe("*VIP* _Ops_ ~x~ `y`");
    expect(shown).not.toMatch(/\*[^\u200b]/);
  });

  it("clips on a code point and never inside an entity", () => {
    expect(clip("abcdef", 4)).toBe("abc…");
    expect(clip("ab😀😀", 4)).toBe("ab…");
    expect(clip("a&amp;b", 5)).toBe("a…");
  });

  it("links: the URL cannot be broken out of, the label is escaped", () => {
    expect(mrkdwnLink("mailto:a|b@x.example", "a|b@x.example <x>")).toBe(
      "<mailto:a%7Cb@x.example|a|b@x.example &lt;x&gt;>",
    );
  });

  it("a message's fallback text is escaped too (Slack uses it for notifications)", () => {
    const message = renderMessage({
      kind: "notice",
      level: "notFound",
      text: 'No contact matches "<!here>".',
    });
    expect(message.text).toBe('No contact matches "&lt;!here&gt;".');
  });
});

const EDIT: FormView = {
  kind: "form",
  mode: "edit",
  title: "Edit contact",
  contactId: 1,
  version: "abc123",
  client: { id: 1, name: "Acme Corp" },
  values: {
    name: "Alice Anderson",
    email: "alice@acme.example",
    phone: "(555) 123-4567",
    extension: "101",
    mobile: "",
    title: "CEO",
    department: "",
    locationId: 1,
    notes: "Line one\nLine two",
    primary: true,
    important: false,
    billing: true,
    technical: false,
  },
  errors: {},
  locations: [{ value: "1", label: "Acme HQ" }],
  notice: null,
  primaryHolder: null,
};

describe("form ↔ modal", () => {
  it("what the form shows comes back unchanged when submitted untouched", () => {
    const modal = formModal(EDIT, { responseUrl: "https://hooks.slack.com/x" });
    const state = viewStateSchema.parse(stateOf(modal as unknown as Record<string, unknown>));
    const { values, pickedClientId } = readSubmission(state);
    expect(pickedClientId).toBeNull();
    expect(values).toEqual({ ...EDIT.values, locationId: "1" });
  });

  it("emptied fields, 'No location' and unticked flags read as empty, null and false", () => {
    const modal = formModal(EDIT, { responseUrl: null });
    const state = viewStateSchema.parse(
      stateOf(modal as unknown as Record<string, unknown>, {
        title: null,
        locationId: { option: "0" },
        flags: [],
      }),
    );
    const { values } = readSubmission(state);
    expect(values.title).toBe("");
    expect(values.locationId).toBeNull();
    expect([values.primary, values.important, values.billing, values.technical]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it("required fields are required in Slack's own UI too; optional ones are optional", () => {
    const modal = formModal({ ...EDIT, mode: "create" }, { responseUrl: null });
    const optional = Object.fromEntries(
      modal.blocks
        .filter((b) => b.type === "input")
        .map((b) => [b.block_id, "optional" in b ? b.optional : undefined]),
    );
    expect(optional).toMatchObject({ name: false, email: false, phone: true, notes: true, flags: true });
    expect(optional.client).toBeUndefined();
  });

  it("metadata round-trips and survives only intact JSON", () => {
    const meta = {
      mode: "edit" as const,
      contactId: 7,
      version: "v1",
      clientId: 3,
      responseUrl: "https://hooks.slack.com/commands/T/1/abc",
      notesLeftOut: false,
    };
    expect(decodeMetadata(encodeMetadata(meta))).toEqual(meta);
    expect(decodeMetadata("not json")).toBeNull();
    expect(decodeMetadata(JSON.stringify({ m: "delete" }))).toBeNull();
    expect(responseUrlOf(encodeMetadata(meta))).toBe(meta.responseUrl);
    expect(responseUrlOf(undefined)).toBeNull();
  });

  it("whom ticking Primary demotes is said under the flags, next to the Primary box, not over the form", () => {
    const modal = formModal(
      { ...EDIT, values: { ...EDIT.values, primary: false }, primaryHolder: "Alice Anderson" },
      {
        responseUrl: null,
      },
    );
    const sentence = "Alice Anderson is this client's primary contact; ticking Primary here demotes them.";
    const flags = modal.blocks.find((b) => b.type === "input" && b.block_id === "flags") as {
      hint?: { text: string };
    };
    expect(flags.hint?.text).toContain(`Primary contact: ${sentence}`);
    const elsewhere = modal.blocks.filter((b) => b.block_id !== "flags");
    expect(JSON.stringify(elsewhere)).not.toContain("primary contact");
    // With nobody to demote, the Primary box keeps its general hint.
    const plainForm = formModal(EDIT, { responseUrl: null });
    expect(JSON.stringify(plainForm)).not.toContain("Alice Anderson is this client");
  });

  it("errors go inline when their block is on screen, else to a banner", () => {
    const split = inlineErrors({ email: "bad", locationId: "gone" }, new Set(["email", "name"]));
    expect(split).toEqual({ inline: { email: "bad" }, other: ["gone"] });
  });
});
