// Every surface the Slack adapter can build — cards for each audience, lists, notices, help, the
// message-shortcut answer, the form in every state, and the small modals — checked against Slack's
// limits (../shared/platform-limits.md and the Block Kit reference), with data made as large and as
// awkward as ITFlow allows. A renderer that forgets to clip fails here, not in front of a user.
import { describe, expect, it } from "vitest";
import { fitMessage, renderMessage, rowBlock } from "../../adapters/slack/render/cards.js";
import { LIMITS } from "../../adapters/slack/render/limits.js";
import { formModal, loadingModal, type ModalView, viewModal } from "../../adapters/slack/render/modals.js";
import { auditMessage, verifyModal, verifyResultModal } from "../../adapters/slack/render/verify.js";
import { help } from "../../commands/help.js";
import type { ContactCardView, ContactSummary, FormView, NoticeView, View } from "../../commands/views.js";
import { CONTACT_FIELDS, FLAG_FIELDS } from "../../src/contacts/fields.js";
import { everyVerifyOutcome } from "../support/verify-outcomes.js";

type Json = Record<string, unknown>;

/** Every broken limit in a message or modal, as readable lines. */
function violations(surface: Json, kind: "message" | "modal"): string[] {
  const out: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) out.push(what);
  };
  const text = (t: unknown, max: number, where: string) => {
    const obj = t as { type?: string; text?: unknown } | undefined;
    if (!obj) return;
    check(obj.type === "plain_text" || obj.type === "mrkdwn", `${where}: not a text object`);
    const s = String(obj.text ?? "");
    check(s.length >= 1, `${where}: empty text`);
    check(s.length <= max, `${where}: ${s.length} > ${max}`);
  };
  const plainOnly = (t: unknown, max: number, where: string) => {
    text(t, max, where);
    check((t as { type?: string } | undefined)?.type === "plain_text", `${where}: must be plain_text`);
  };
  const option = (o: Json, where: string) => {
    plainOnly(o.text, LIMITS.optionText, `${where}.text`);
    check(String(o.value).length <= LIMITS.optionValue, `${where}.value too long`);
    if (o.description) plainOnly(o.description, LIMITS.optionDescription, `${where}.description`);
  };
  const element = (e: Json, where: string) => {
    if (e.action_id !== undefined)
      check(String(e.action_id).length <= LIMITS.id, `${where}.action_id too long`);
    if (e.placeholder) plainOnly(e.placeholder, LIMITS.placeholder, `${where}.placeholder`);
    switch (e.type) {
      case "button":
        plainOnly(e.text, LIMITS.buttonText, `${where}.text`);
        if (e.value !== undefined)
          check(String(e.value).length <= LIMITS.buttonValue, `${where}.value too long`);
        if (e.url !== undefined) check(String(e.url).length <= LIMITS.buttonUrl, `${where}.url too long`);
        break;
      case "plain_text_input": {
        const max = Number(e.max_length ?? LIMITS.textInputMaxLength);
        check(max >= 1 && max <= LIMITS.textInputMaxLength, `${where}.max_length ${max}`);
        if (e.initial_value !== undefined) {
          check(String(e.initial_value).length <= max, `${where}.initial_value longer than max_length`);
        }
        break;
      }
      case "static_select": {
        const options = (e.options as Json[]) ?? [];
        check(
          options.length >= 1 && options.length <= LIMITS.staticSelectOptions,
          `${where}: ${options.length} options`,
        );
        options.forEach((o, i) => {
          option(o, `${where}.options[${i}]`);
        });
        if (e.initial_option) {
          check(
            options.some((o) => JSON.stringify(o) === JSON.stringify(e.initial_option)),
            `${where}.initial_option is not one of the options`,
          );
        }
        break;
      }
      case "external_select":
        if (e.initial_option) option(e.initial_option as Json, `${where}.initial_option`);
        break;
      case "checkboxes": {
        const options = (e.options as Json[]) ?? [];
        check(
          options.length >= 1 && options.length <= LIMITS.checkboxOptions,
          `${where}: ${options.length} checkboxes`,
        );
        options.forEach((o, i) => {
          option(o, `${where}.options[${i}]`);
        });
        const initial = e.initial_options as Json[] | undefined;
        if (initial) check(initial.length >= 1, `${where}.initial_options empty`);
        break;
      }
      default:
        out.push(`${where}: unexpected element ${String(e.type)}`);
    }
  };

  const blocks = (surface.blocks as Json[]) ?? [];
  const maxBlocks = kind === "message" ? LIMITS.messageBlocks : LIMITS.modalBlocks;
  check(blocks.length >= 1 && blocks.length <= maxBlocks, `${blocks.length} blocks (max ${maxBlocks})`);
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => {
    const where = `blocks[${i}] ${String(b.type)}`;
    if (b.block_id !== undefined) {
      const id = String(b.block_id);
      check(id.length <= LIMITS.id, `${where}.block_id too long`);
      check(!blockIds.has(id), `${where}.block_id ${id} repeated`);
      blockIds.add(id);
    }
    switch (b.type) {
      case "header":
        plainOnly(b.text, LIMITS.header, where);
        break;
      case "section": {
        check(b.text !== undefined || b.fields !== undefined, `${where}: neither text nor fields`);
        if (b.text) text(b.text, LIMITS.sectionText, `${where}.text`);
        const fields = (b.fields as Json[] | undefined) ?? [];
        check(fields.length <= LIMITS.sectionFields, `${where}: ${fields.length} fields`);
        fields.forEach((f, j) => {
          text(f, LIMITS.fieldText, `${where}.fields[${j}]`);
        });
        if (b.accessory) element(b.accessory as Json, `${where}.accessory`);
        break;
      }
      case "context": {
        const elements = (b.elements as Json[]) ?? [];
        check(
          elements.length >= 1 && elements.length <= LIMITS.contextElements,
          `${where}: ${elements.length} elements`,
        );
        elements.forEach((e, j) => {
          text(e, LIMITS.sectionText, `${where}.elements[${j}]`);
        });
        break;
      }
      case "actions": {
        const elements = (b.elements as Json[]) ?? [];
        check(
          elements.length >= 1 && elements.length <= LIMITS.actionsElements,
          `${where}: ${elements.length} elements`,
        );
        elements.forEach((e, j) => {
          element(e, `${where}.elements[${j}]`);
        });
        break;
      }
      case "input":
        check(kind === "modal", `${where}: input blocks only in modals`);
        plainOnly(b.label, LIMITS.inputLabel, `${where}.label`);
        if (b.hint) plainOnly(b.hint, LIMITS.hint, `${where}.hint`);
        element(b.element as Json, `${where}.element`);
        break;
      default:
        out.push(`${where}: unexpected block type`);
    }
  });

  if (kind === "message") {
    const fallback = String(surface.text ?? "");
    check(fallback.length >= 1 && fallback.length <= LIMITS.fallbackText, `fallback text ${fallback.length}`);
  } else {
    check(surface.type === "modal", "not a modal");
    plainOnly(surface.title, LIMITS.modalTitle, "title");
    if (surface.submit) plainOnly(surface.submit, LIMITS.modalTitle, "submit");
    if (surface.close) plainOnly(surface.close, LIMITS.modalTitle, "close");
    check(String(surface.callback_id ?? "").length <= LIMITS.id, "callback_id too long");
    check(
      String(surface.private_metadata ?? "").length <= LIMITS.privateMetadata,
      "private_metadata too long",
    );
    check(Buffer.byteLength(JSON.stringify(surface)) <= LIMITS.viewBytes, "view over 250 KB");
    if (blocks.some((b) => b.type === "input"))
      check(surface.submit !== undefined, "inputs but no submit button");
  }
  return out;
}

// ---- data, from ordinary to as large as ITFlow allows -------------------------------------------

const long = (n: number, unit = "Wörd <@U1> & *x* ") => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

const ALICE: ContactSummary = {
  id: 1,
  name: "Alice Anderson",
  title: "CEO",
  email: "alice@acme.example",
  department: "",
  phones: [
    {
      label: "Phone",
      display: "(555) 123-4567",
      digits: "5551234567",
      extension: "101",
      tel: "tel:+15551234567;ext=101",
    },
    {
      label: "Mobile",
      display: "(555) 987-6543",
      digits: "5559876543",
      extension: null,
      tel: "tel:+15559876543",
    },
  ],
  client: { id: 1, name: "Acme Corp" },
  location: { id: 1, name: "Acme HQ" },
  flags: { primary: true, important: true, billing: false, technical: false },
  notes: "",
  notesTruncated: false,
  archived: false,
  itflowUrl: "https://itflow.example.com/agent/contact_details.php?client_id=1&contact_id=1",
  raw: { phone: "5551234567", mobile: "5559876543", extension: "101" },
};

const HUGE: ContactSummary = {
  ...ALICE,
  id: 2_147_483_647,
  name: long(200),
  title: long(200),
  email: `${"x".repeat(190)}@example.com`,
  department: long(200),
  phones: [
    {
      label: "Phone",
      display: long(200, "5"),
      digits: "5".repeat(200),
      extension: "9".repeat(200),
      tel: `tel:+${"5".repeat(200)}`,
    },
    { label: "Mobile", display: long(200, "7"), digits: "7".repeat(200), extension: null, tel: null },
  ],
  client: { id: 99, name: long(200) },
  location: { id: 9, name: long(200) },
  flags: { primary: true, important: true, billing: true, technical: true },
  notes: `${long(499)}…`,
  notesTruncated: true,
  archived: true,
  itflowUrl: `https://itflow.example.com/${"p/".repeat(600)}`,
};

function cards(): ContactCardView[] {
  const changes = CONTACT_FIELDS.map((f) => ({
    key: f.key,
    label: f.label,
    before: f.kind === "flag" ? false : long(200),
    after: f.kind === "flag" ? true : long(200),
  }));
  return [
    { kind: "card", contact: ALICE, canEdit: true },
    { kind: "card", contact: ALICE, canEdit: false },
    { kind: "card", contact: HUGE, canEdit: true },
    { kind: "card", contact: HUGE, canEdit: true, canVerify: true },
    {
      kind: "card",
      contact: HUGE,
      canEdit: true,
      saved: { created: true, changes: [], demotedPrimary: long(200), differences: [], cleaned: [] },
    },
    {
      kind: "card",
      contact: HUGE,
      canEdit: true,
      saved: {
        created: false,
        changes,
        demotedPrimary: long(200),
        differences: changes.map((c) => ({ key: c.key, label: c.label, typed: c.before, stored: c.after })),
        cleaned: CONTACT_FIELDS.map((f) => f.label),
      },
    },
    {
      kind: "card",
      contact: ALICE,
      canEdit: true,
      saved: { created: false, changes: [], demotedPrimary: null, differences: [], cleaned: [] },
    },
  ];
}

function views(): View[] {
  const notices: NoticeView[] = (
    ["info", "notFound", "error", "denied", "conflict", "duplicate"] as const
  ).flatMap((level) => [
    { kind: "notice", level, text: "Short." },
    { kind: "notice", level, text: long(5000), createFrom: long(5000), contact: HUGE },
    { kind: "notice", level, text: long(5000), archived: Array.from({ length: 10 }, () => HUGE) },
  ]);
  return [
    ...cards(),
    { kind: "list", query: "555", items: [ALICE, HUGE], total: 2, canEdit: true },
    {
      kind: "list",
      query: long(4000),
      items: Array.from({ length: 10 }, () => HUGE),
      total: 50_000,
      canEdit: true,
    },
    ...notices,
    help("/contact"),
  ];
}

function forms(): FormView[] {
  const full: FormView["values"] = {};
  for (const f of CONTACT_FIELDS) {
    full[f.key] =
      f.kind === "flag" ? true : f.kind === "location" ? 3 : "x".repeat(Math.min(f.maxLength, 3000));
  }
  const errors = Object.fromEntries([
    ...CONTACT_FIELDS.map((f) => [f.key, long(3000)]),
    ["client", long(3000)],
  ]);
  const locations = Array.from({ length: 250 }, (_, i) => ({ value: String(i + 1), label: long(300) }));
  const base: FormView = {
    kind: "form",
    mode: "create",
    title: "New contact",
    contactId: null,
    version: null,
    client: null,
    values: {},
    errors: {},
    locations: [],
    notice: null,
    primaryHolder: null,
  };
  return [
    base,
    { ...base, client: { id: 1, name: long(300) }, locations, notice: long(5000), primaryHolder: long(300) },
    { ...base, client: { id: 1, name: "Acme" }, values: full, errors, locations },
    {
      ...base,
      mode: "edit",
      title: "Edit contact",
      contactId: 2_147_483_647,
      version: "v".repeat(16),
      client: { id: 1, name: long(300) },
      values: full,
      errors,
      locations,
      notice: long(5000),
    },
    // Stored values longer than the field's limit (the form must still open, and say what to cut).
    {
      ...base,
      mode: "edit",
      title: "Edit contact",
      contactId: 1,
      version: "v",
      values: { name: long(250), phone: long(400, "5") },
    },
    // Notes longer than a Slack input holds (ITFlow's column allows 65,535 bytes).
    {
      ...base,
      mode: "edit",
      title: "Edit contact",
      contactId: 1,
      version: "v",
      values: { ...full, notes: long(9000) },
    },
  ];
}

const RESPONSE_URL = `https://hooks.slack.com/commands/T0HOME/${"1".repeat(13)}/${"a".repeat(24)}`;

describe("Slack surfaces stay inside Slack's limits", () => {
  it("every message: cards (private, public), lists, notices, help", () => {
    for (const view of views()) {
      for (const audience of ["private", "public"] as const) {
        const message = renderMessage(view, audience, "U0TECH");
        expect(violations(message as unknown as Json, "message"), `${view.kind} ${audience}`).toEqual([]);
      }
    }
  });

  it("a message built from many results is cut to 50 blocks, saying so", () => {
    const blocks = fitMessage(Array.from({ length: 80 }, () => rowBlock(HUGE, "private", true)));
    expect(blocks).toHaveLength(LIMITS.messageBlocks);
    expect(JSON.stringify(blocks.at(-1))).toContain("left out");
    expect(violations({ text: "x", blocks }, "message")).toEqual([]);
  });

  it("every modal: the form in each state (with errors as text and a banner), loading, and views in a modal", () => {
    const modals: ModalView[] = [];
    for (const form of forms()) {
      modals.push(formModal(form, { responseUrl: RESPONSE_URL }));
      modals.push(formModal(form, { responseUrl: RESPONSE_URL, errorsAsText: true, banner: long(5000) }));
      modals.push(formModal(form, { responseUrl: `https://hooks.slack.com/${"x".repeat(5000)}` }));
    }
    modals.push(loadingModal("Edit contact"), loadingModal(long(100), long(5000), RESPONSE_URL));
    for (const view of views()) modals.push(viewModal(view, long(100), RESPONSE_URL));
    for (const modal of modals) {
      expect(violations(modal as unknown as Json, "modal"), String(modal.title.text)).toEqual([]);
    }
  });

  it("caller verification: the form, every answer and the audit line, for the longest names", () => {
    const contact = { id: 2_147_483_647, name: long(200), client: long(200) };
    const outcomes = everyVerifyOutcome(long(200, "5"));
    const modals = [
      verifyModal({ kind: "verifyPrompt", contact }, RESPONSE_URL, 200),
      ...outcomes.map((outcome) =>
        verifyResultModal({ kind: "verifyResult", contact, outcome }, RESPONSE_URL),
      ),
    ];
    for (const modal of modals) expect(violations(modal as unknown as Json, "modal")).toEqual([]);
    for (const outcome of outcomes) {
      const line = auditMessage({ platform: "discord", who: long(300), contact, outcome });
      expect(violations(line as unknown as Json, "message")).toEqual([]);
    }
  });

  it("the form has one input per field of the shared table (flags as one checkbox group)", () => {
    const form = forms()[2];
    if (!form) throw new Error("no form");
    const modal = formModal(form, { responseUrl: null });
    const inputIds = modal.blocks.filter((b) => b.type === "input").map((b) => b.block_id);
    const fieldIds = CONTACT_FIELDS.filter((f) => f.kind !== "flag").map((f) => f.key);
    expect(inputIds).toEqual(["client", ...fieldIds, "flags"]);
    const flags = modal.blocks.find((b) => b.block_id === "flags") as
      | { element: { options: Json[] } }
      | undefined;
    expect(flags?.element.options.map((o) => o.value)).toEqual(FLAG_FIELDS.map((f) => f.key));
  });
});
