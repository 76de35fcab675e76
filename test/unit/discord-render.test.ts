// Every embed, message and modal the Discord adapter can build, checked against the limits in
// shared/platform-limits.md (test/fakes/discord/limits.ts), with contact data at its worst: every
// field at ITFlow's maximum length, full of markdown, mentions and astral characters.
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../adapters/discord/commands-definition.js";
import { CUSTOM_ID_MAX, encodeAction } from "../../adapters/discord/custom-id.js";
import { contactChoice } from "../../adapters/discord/interactions/autocomplete.js";
import { editOptions, noticeMessage, replyOptions } from "../../adapters/discord/interactions/respond.js";
import {
  renderClientPicker,
  renderFormErrors,
  renderSaveFailure,
  renderView,
} from "../../adapters/discord/render/embeds.js";
import { fieldsOfStep } from "../../adapters/discord/render/form-steps.js";
import type { MessageOut } from "../../adapters/discord/render/message.js";
import { formModal } from "../../adapters/discord/render/modals.js";
import { auditContent, verifyModal, verifyResultMessage } from "../../adapters/discord/render/verify.js";
import { LIST_MAX } from "../../commands/find.js";
import { summarize } from "../../commands/summary.js";
import type { ContactSummary, FormView, NoticeLevel, View } from "../../commands/views.js";
import type { ContactRow } from "../../src/contacts/directory.js";
import { CONTACT_FIELDS, type FieldChange } from "../../src/contacts/fields.js";
import type { Contact } from "../../src/contacts/types.js";
import { checkChoices, checkCommands, checkMessage, checkModal } from "../fakes/discord/limits.js";
import { everyVerifyOutcome } from "../support/verify-outcomes.js";

const NASTY = "*_~`|>#-[]()<@everyone>@here😀";
const fill = (n: number, seed = NASTY) => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);

function contact(overrides: Partial<Contact> = {}): Contact {
  return {
    id: 2_147_483_647,
    clientId: 2_147_483_646,
    locationId: 3,
    name: fill(200),
    title: fill(200),
    email: `${fill(180, "a*_")}@x.example`,
    phone: "5551234567",
    phoneCountryCode: "1",
    extension: "1234567890",
    mobile: "447700900123",
    mobileCountryCode: null,
    department: fill(200),
    notes: fill(5000, `${NASTY}\n# heading\n> quote\n1. item\n`),
    primary: true,
    important: true,
    billing: true,
    technical: true,
    createdAt: null,
    updatedAt: null,
    archivedAt: "2026-01-01 00:00:00",
    ...overrides,
  };
}

function row(c: Contact = contact()): ContactRow {
  return {
    contact: c,
    client: { id: c.clientId, name: fill(200), archivedAt: null },
    location: { id: 3, clientId: c.clientId, name: fill(200), archivedAt: null },
    match: "exact",
  };
}

const worst: ContactSummary = summarize(row(), "US", `https://itflow.example.com/${"p".repeat(300)}`);
const plain: ContactSummary = summarize(
  row(
    contact({
      name: "Alice",
      title: "",
      email: "",
      phone: "",
      mobile: "",
      department: "",
      notes: "",
      archivedAt: null,
    }),
  ),
  "US",
  "https://itflow.example.com",
);

const allChanges: FieldChange[] = CONTACT_FIELDS.map((f) => ({
  key: f.key,
  label: f.label,
  before: f.kind === "flag" ? false : f.kind === "location" ? 1 : fill(200),
  after: f.kind === "flag" ? true : f.kind === "location" ? 2 : fill(200, "b*"),
}));

const LEVELS: NoticeLevel[] = ["info", "notFound", "error", "denied", "conflict", "duplicate"];

function views(): Array<[string, View]> {
  const out: Array<[string, View]> = [];
  for (const c of [worst, plain]) {
    out.push([`card ${c.name.length}`, { kind: "card", contact: c, canEdit: true }]);
    out.push([`card read-only ${c.name.length}`, { kind: "card", contact: c, canEdit: false }]);
    out.push([
      `saved card ${c.name.length}`,
      {
        kind: "card",
        contact: c,
        canEdit: true,
        saved: {
          created: false,
          changes: allChanges,
          demotedPrimary: fill(200),
          differences: allChanges.map((c) => ({
            key: c.key,
            label: c.label,
            typed: c.before,
            stored: c.after,
          })),
          cleaned: CONTACT_FIELDS.map((f) => f.label),
        },
      },
    ]);
    out.push([
      `created card ${c.name.length}`,
      {
        kind: "card",
        contact: c,
        canEdit: true,
        saved: { created: true, changes: [], demotedPrimary: null, differences: [], cleaned: [] },
      },
    ]);
  }
  out.push([
    "list (full page)",
    {
      kind: "list",
      query: fill(200),
      items: Array.from({ length: LIST_MAX }, (_, i) => ({ ...worst, id: i + 1 })),
      total: 5000,
      canEdit: true,
    },
  ]);
  out.push(["list (two)", { kind: "list", query: "x", items: [plain, worst], total: 2, canEdit: false }]);
  for (const level of LEVELS) {
    out.push([`notice ${level}`, { kind: "notice", level, text: fill(5000) }]);
    out.push([
      `notice ${level} + contact + create`,
      { kind: "notice", level, text: fill(300), contact: worst, createFrom: fill(300) },
    ]);
  }
  out.push(["help", { kind: "help", lines: Array(40).fill({ usage: fill(300), description: fill(2000) }) }]);
  return out;
}

function apiJson(out: MessageOut): Record<string, unknown> {
  // What discord.js sends for these options (allowedMentions → allowed_mentions).
  const options = replyOptions(out);
  return {
    embeds: options.embeds,
    components: options.components,
    allowed_mentions: options.allowedMentions,
  };
}

function form(mode: "create" | "edit", locations: number, overrides: Partial<FormView> = {}): FormView {
  const values: FormView["values"] = {};
  const errors: FormView["errors"] = {};
  for (const f of CONTACT_FIELDS) {
    values[f.key] = f.kind === "flag" ? true : f.kind === "location" ? "17" : fill(f.maxLength);
    errors[f.key] = fill(300);
  }
  return {
    kind: "form",
    mode,
    title: "x",
    contactId: mode === "edit" ? 2_147_483_647 : null,
    version: "AbCdEfGhIjKlMnOp",
    client: { id: 2_147_483_647, name: fill(200) },
    values,
    errors,
    locations: Array.from({ length: locations }, (_, i) => ({ value: String(i + 1), label: fill(200) })),
    notice: fill(500),
    primaryHolder: fill(200),
    ...overrides,
  };
}

describe("Discord messages stay within Discord's limits", () => {
  for (const [name, view] of views()) {
    it(name, () => {
      if (view.kind === "form") throw new Error("forms are modals");
      const out = renderView(view, { region: "US", locationName: () => fill(200) });
      expect(checkMessage(apiJson(out))).toEqual([]);
      expect(out.ephemeral).toBe(true);
    });
  }

  it("a shared card is public and still within limits", () => {
    const out = renderView(
      { kind: "card", contact: worst, canEdit: true },
      { region: "US", sharedBy: fill(40) },
    );
    expect(out.ephemeral).toBe(false);
    expect(checkMessage(apiJson(out))).toEqual([]);
  });

  it("form errors, the save-failure note and the client picker", () => {
    for (const f of [form("create", 0), form("edit", 30), form("edit", 1, { errors: { notes: "x" } })]) {
      expect(checkMessage(apiJson(renderFormErrors(f, "AbCdEfGhIjKl")))).toEqual([]);
    }
    const failure = renderSaveFailure(
      { kind: "notice", level: "error", text: fill(5000) },
      "AbCdEfGhIjKl",
      2,
      { region: "US" },
    );
    expect(checkMessage(apiJson(failure))).toEqual([]);
    const clients = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, name: fill(200), archivedAt: null }));
    expect(checkMessage(apiJson(renderClientPicker(clients, "AbCdEfGhIjKl", fill(500))))).toEqual([]);
    expect(checkMessage(apiJson(noticeMessage("x")))).toEqual([]);
  });

  it("a card with every button (Verify caller too) fits one row of five", () => {
    // Not archived: an archived card offers no Edit.
    const out = renderView(
      { kind: "card", contact: { ...worst, archived: false }, canEdit: true, canVerify: true },
      { region: "US" },
    );
    expect(checkMessage(apiJson(out))).toEqual([]);
    expect(out.components[0]?.components.map((c) => ("label" in c ? c.label : ""))).toEqual([
      "Edit",
      "More details",
      "Verify caller",
      "Share in channel",
      "Open in ITFlow",
    ]);
  });

  it("every caller-verification answer, and the audit line", () => {
    const who = { id: 2_147_483_647, name: fill(200), client: fill(200) };
    const outcomes = everyVerifyOutcome(fill(200));
    for (const outcome of outcomes) {
      const out = verifyResultMessage({ kind: "verifyResult", contact: who, outcome });
      expect(checkMessage(apiJson(out))).toEqual([]);
      expect(out.ephemeral).toBe(true);
      const line = auditContent({ platform: "slack", who: fill(300), contact: who, outcome });
      expect(checkMessage({ content: line, allowed_mentions: { parse: [] } })).toEqual([]);
      expect(line).not.toMatch(/(?<!\\)@(everyone|here)/);
    }
  });

  it("every reply and edit forbids mentions", () => {
    const out = noticeMessage("@everyone");
    expect(replyOptions(out).allowedMentions).toEqual({ parse: [] });
    expect(editOptions(out).allowedMentions).toEqual({ parse: [] });
  });
});

describe("Discord modals stay within Discord's limits", () => {
  const cases: Array<[string, FormView]> = [
    ["create, no locations", form("create", 0)],
    ["edit, one location", form("edit", 1)],
    [
      "edit, 30 locations, current beyond the first 24",
      form("edit", 30, { values: { ...form("edit", 30).values, locationId: "30" } }),
    ],
    [
      "edit, notes longer than a text input",
      form("edit", 3, { values: { ...form("edit", 3).values, notes: fill(5000) } }),
    ],
    [
      "edit, values longer than the field allows",
      form("edit", 3, { values: { ...form("edit", 3).values, name: fill(900) } }),
    ],
    ["create, empty", form("create", 0, { values: {}, errors: {}, notice: null, client: null })],
  ];
  for (const [name, f] of cases) {
    for (const step of [1, 2] as const) {
      it(`${name}, step ${step}`, () => {
        const json = formModal(f, step, "AbCdEfGhIjKl").toJSON();
        expect(checkModal(json)).toEqual([]);
      });
    }
  }

  it("the verify form: one input, for the longest name", () => {
    const json = verifyModal({
      kind: "verifyPrompt",
      contact: { id: 2_147_483_647, name: fill(200), client: "x" },
    }).toJSON();
    expect(checkModal(json)).toEqual([]);
    expect(json.components).toHaveLength(1);
  });

  it("keeps the contact's location selectable even beyond the first 24", () => {
    const f = form("edit", 30);
    const json = formModal({ ...f, values: { ...f.values, locationId: "30" } }, 2, "AbCdEfGhIjKl").toJSON();
    const select = json.components.find((c) => "component" in c && c.component.custom_id === "locationId");
    expect(JSON.stringify(select)).toContain('"value":"30","default":true');
  });

  it("every field of the table is in exactly one step", () => {
    const shown = [...fieldsOfStep(1), ...fieldsOfStep(2)].map((f) => f.key);
    const flags = CONTACT_FIELDS.filter((f) => f.kind === "flag").map((f) => f.key);
    expect([...shown, ...flags].sort()).toEqual(CONTACT_FIELDS.map((f) => f.key).sort());
  });
});

describe("Discord commands, choices and custom ids stay within Discord's limits", () => {
  it("the command set", () => {
    expect(checkCommands(COMMANDS)).toEqual([]);
  });

  it("autocomplete choices", () => {
    const choice = contactChoice(row());
    expect(checkChoices({ choices: Array(25).fill(choice) })).toEqual([]);
    expect(choice.value).toBe("#2147483647");
  });

  it("every custom_id at its longest", () => {
    const ids = [
      encodeAction({ kind: "edit", step: 2, contactId: 2_147_483_647 }),
      encodeAction({ kind: "share", contactId: 2_147_483_647 }),
      encodeAction({ kind: "create", prefill: fill(300) }),
      encodeAction({ kind: "pickClient", sessionId: "A".repeat(24) }),
      encodeAction({ kind: "fix", step: 2, sessionId: "A".repeat(24) }),
      encodeAction({
        kind: "form",
        step: 2,
        sessionId: "A".repeat(24),
        mode: "edit",
        contactId: 2_147_483_647,
        clientId: 2_147_483_647,
        version: "v".repeat(40),
      }),
    ];
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(CUSTOM_ID_MAX);
  });
});
