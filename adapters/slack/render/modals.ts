// The contact form as a Slack modal, derived from the shared field table, and back: what a
// view_submission holds turned into the neutral FormValues the core validates. Also the small
// modals that only show something (Loading…, a saved card, a conflict).
import type { types } from "@slack/bolt";
import { z } from "zod";
import type { FormErrors, FormValues, FormView, View } from "../../../commands/views.js";
import { CONTACT_FIELDS, type FieldSpec, FLAG_FIELDS, type FormMode } from "../../../src/contacts/fields.js";
import type { ContactDraft } from "../../../src/contacts/types.js";
import { CALLBACK, CLIENT_BLOCK, FLAGS_BLOCK } from "../ids.js";
import { type Block, context, mrkdwn, plain, section } from "./blocks.js";
import { cardBlocks, helpBlocks, listBlocks, noticeBlocks } from "./cards.js";
import { clip, escapeMrkdwn, escapeProse } from "./escape.js";
import { LIMITS } from "./limits.js";

export type ModalView = types.ModalView;

// ---- what a form modal carries between opening and submit -------------------------------------

const metadataSchema = z.object({
  m: z.enum(["create", "edit"]),
  id: z.number().int().positive().nullable(),
  v: z.string().max(64).nullable(),
  cl: z.number().int().positive().nullable(),
  /** Where to post the saved card privately: the response_url of the command or button. */
  r: z.url().max(2000).nullable(),
  /** The notes were too long for a Slack input, so the form left them out: keep ITFlow's. */
  n: z.literal(1).optional(),
});

export interface FormMetadata {
  mode: FormMode;
  contactId: number | null;
  version: string | null;
  clientId: number | null;
  responseUrl: string | null;
  notesLeftOut: boolean;
}

export function encodeMetadata(meta: FormMetadata): string {
  const compact = {
    m: meta.mode,
    id: meta.contactId,
    v: meta.version,
    cl: meta.clientId,
    r: meta.responseUrl,
    ...(meta.notesLeftOut ? { n: 1 as const } : {}),
  };
  const text = JSON.stringify(compact);
  // A response_url is ~100 characters, so this never happens with Slack's; but a form must open
  // even if one were absurdly long: the saved card then shows in the modal instead.
  return text.length <= LIMITS.privateMetadata ? text : JSON.stringify({ ...compact, r: null });
}

export function decodeMetadata(text: string): FormMetadata | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = metadataSchema.safeParse(json);
  if (!parsed.success) return null;
  const m = parsed.data;
  return {
    mode: m.m,
    contactId: m.id,
    version: m.v,
    clientId: m.cl,
    responseUrl: m.r,
    notesLeftOut: m.n === 1,
  };
}

// ---- form → modal -----------------------------------------------------------------------------

function option(text: string, value: string): types.PlainTextOption {
  return { text: plain(text, LIMITS.optionText), value: clip(value, LIMITS.optionValue) };
}

function textValue(value: FormValues[keyof ContactDraft]): string {
  if (value === null || value === undefined || typeof value === "boolean") return "";
  return String(value);
}

function textInput(spec: FieldSpec, mode: FormMode, value: string): Block {
  // A stored value longer than the field allows (data from before a limit, a formatted number)
  // must still fit in the input, or Slack refuses the whole view; validation then says what to cut.
  const maxLength = Math.min(Math.max(spec.maxLength, value.length), LIMITS.textInputMaxLength);
  const element: types.PlainTextInput = {
    type: "plain_text_input",
    action_id: spec.key,
    max_length: maxLength,
    ...(spec.kind === "multiline" ? { multiline: true } : {}),
    ...(spec.placeholder ? { placeholder: plain(spec.placeholder, LIMITS.placeholder) } : {}),
    ...(value ? { initial_value: value } : {}),
  };
  return {
    type: "input",
    block_id: spec.key,
    label: plain(spec.label, LIMITS.inputLabel),
    optional: !spec.requiredIn.includes(mode),
    element,
    ...(spec.hint ? { hint: plain(spec.hint, LIMITS.hint) } : {}),
  };
}

const NO_LOCATION = "0";

function locationInput(spec: FieldSpec, form: FormView): Block | null {
  if (form.locations.length === 0) return null;
  // Slack cannot clear a select once chosen, so "No location" is an option of its own.
  const options = [
    option("No location", NO_LOCATION),
    ...form.locations.slice(0, LIMITS.staticSelectOptions - 1).map((l) => option(l.label, l.value)),
  ];
  const current = form.values.locationId;
  const initial = options.find(
    (o) => current !== null && current !== undefined && o.value === String(current),
  );
  return {
    type: "input",
    block_id: spec.key,
    label: plain(spec.label, LIMITS.inputLabel),
    optional: true,
    element: {
      type: "static_select",
      action_id: spec.key,
      placeholder: plain("Choose a location"),
      options,
      ...(initial ? { initial_option: initial } : {}),
    },
  };
}

function clientInput(form: FormView): Block {
  return {
    type: "input",
    block_id: CLIENT_BLOCK,
    label: plain("Client"),
    // Choosing a client sends an action at once, so the form can load that client's locations.
    dispatch_action: true,
    element: {
      type: "external_select",
      action_id: CLIENT_BLOCK,
      placeholder: plain("Search ITFlow clients"),
      min_query_length: 0,
      ...(form.client ? { initial_option: option(form.client.name, String(form.client.id)) } : {}),
    },
  };
}

/** The flags' hints; the primary flag's names whom ticking it would demote, when someone would be. */
export function flagsHint(form: FormView): string {
  return FLAG_FIELDS.filter((spec) => spec.hint)
    .map((spec) =>
      spec.key === "primary" && form.primaryHolder
        ? `${spec.label}: ${form.primaryHolder} is this client's primary contact; ticking Primary here demotes them.`
        : `${spec.label}: ${spec.hint}`,
    )
    .join(" ");
}

function flagsInput(form: FormView): Block {
  const options = FLAG_FIELDS.slice(0, LIMITS.checkboxOptions).map((spec) => option(spec.label, spec.key));
  // The hints go under the group, next to the Primary box they are about, where there is room for
  // them (an option's description holds 75 characters, which would cut the warning short).
  const hint = flagsHint(form);
  const initial = options.filter((o) => form.values[o.value as keyof ContactDraft] === true);
  return {
    type: "input",
    block_id: FLAGS_BLOCK,
    label: plain("Flags"),
    optional: true,
    element: {
      type: "checkboxes",
      action_id: FLAGS_BLOCK,
      options,
      // Slack refuses an empty initial_options list.
      ...(initial.length > 0 ? { initial_options: initial } : {}),
    },
    ...(hint ? { hint: plain(hint, LIMITS.hint) } : {}),
  };
}

function errorLine(message: string): Block {
  return context(`:warning: ${escapeMrkdwn(message)}`);
}

export interface FormModalOptions {
  /** The response_url to post the saved card to; null = show it in the modal. */
  responseUrl: string | null;
  /**
   * Show `form.errors` as text under each field. Inline errors (response_action: "errors") exist
   * only in the answer to a submit; a form rebuilt later (views.update) shows them this way.
   */
  errorsAsText?: boolean;
  /** A problem that belongs to no field, shown on top, e.g. "Not saved: ITFlow did not answer". */
  banner?: string;
}

export function formModal(form: FormView, options: FormModalOptions): ModalView {
  const blocks: Block[] = [];
  if (options.banner) blocks.push(section(mrkdwn(`:warning: ${escapeMrkdwn(options.banner)}`)));
  if (form.notice) blocks.push(context(`:information_source: ${escapeMrkdwn(form.notice)}`));
  if (form.mode === "create") {
    blocks.push(clientInput(form));
    if (options.errorsAsText && form.errors.client) blocks.push(errorLine(form.errors.client));
  } else if (form.client) {
    blocks.push(context(`*Client:* ${escapeProse(form.client.name)}`));
  }
  let notesLeftOut = false;
  for (const spec of CONTACT_FIELDS) {
    if (spec.kind === "flag") continue;
    let block: Block | null;
    if (spec.kind === "location") {
      block = locationInput(spec, form);
      if (!block && form.mode === "create" && !form.client) {
        block = context("*Location:* choose the client first; its locations then appear here.");
      }
    } else {
      const value = textValue(form.values[spec.key]);
      if (value.length > LIMITS.textInputMaxLength) {
        // A Slack input holds 3000 characters: rather than cut the notes (and save them cut), the
        // form leaves them out and the save keeps what ITFlow has.
        notesLeftOut = true;
        block = context(
          `*${spec.label}:* ${value.length} characters — more than a Slack form holds; change them in ITFlow.`,
        );
      } else block = textInput(spec, form.mode, value);
    }
    if (block) blocks.push(block);
    const error = form.errors[spec.key];
    if (options.errorsAsText && error) blocks.push(errorLine(error));
  }
  blocks.push(flagsInput(form));

  const meta: FormMetadata = {
    mode: form.mode,
    contactId: form.contactId,
    version: form.version,
    clientId: form.client?.id ?? null,
    responseUrl: options.responseUrl,
    notesLeftOut,
  };
  return {
    type: "modal",
    callback_id: CALLBACK.form,
    title: plain(form.title, LIMITS.modalTitle),
    submit: plain(form.mode === "create" ? "Create" : "Save", LIMITS.modalTitle),
    close: plain("Cancel", LIMITS.modalTitle),
    private_metadata: encodeMetadata(meta),
    blocks: blocks.slice(0, LIMITS.modalBlocks),
  };
}

/**
 * Errors for `response_action: "errors"`, keyed by block_id. Slack rejects the whole answer when a
 * key names a block the view does not have, so those messages come back separately for a banner.
 */
export function inlineErrors(
  errors: FormErrors,
  blockIds: ReadonlySet<string>,
): { inline: Record<string, string>; other: string[] } {
  const inline: Record<string, string> = {};
  const other: string[] = [];
  for (const [key, message] of Object.entries(errors)) {
    if (!message) continue;
    if (blockIds.has(key)) inline[key] = clip(message, LIMITS.hint);
    else other.push(message);
  }
  return { inline, other };
}

// ---- modal → form values ----------------------------------------------------------------------

const stateValueSchema = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
});

export const viewStateSchema = z.object({
  values: z.record(z.string(), z.record(z.string(), stateValueSchema)),
});
export type ViewState = z.infer<typeof viewStateSchema>;

function stateValue(state: ViewState, blockId: string) {
  return state.values[blockId]?.[blockId];
}

export interface Submission {
  values: FormValues;
  /** The client chosen in the picker (create) — null when none was chosen. */
  pickedClientId: number | null;
}

/** What the user entered, as the neutral FormValues: text as typed, flags as booleans. */
export function readSubmission(state: ViewState): Submission {
  const values: FormValues = {};
  for (const spec of CONTACT_FIELDS) {
    if (spec.kind === "flag") continue;
    const entry = stateValue(state, spec.key);
    if (spec.kind === "location") {
      const picked = entry?.selected_option?.value;
      values.locationId = picked === undefined || picked === NO_LOCATION ? null : picked;
      continue;
    }
    if (entry) values[spec.key] = entry.value ?? "";
  }
  const ticked = new Set((stateValue(state, FLAGS_BLOCK)?.selected_options ?? []).map((o) => o.value));
  for (const spec of FLAG_FIELDS) values[spec.key] = ticked.has(spec.key);
  const client = stateValue(state, CLIENT_BLOCK)?.selected_option?.value;
  const clientId = client !== undefined && /^\d+$/.test(client) ? Number(client) : null;
  return { values, pickedClientId: clientId };
}

// ---- modals that only show something ----------------------------------------------------------

/**
 * A modal with nothing to submit. It keeps the response_url it was opened with, so an Edit button
 * inside it leads to a form that can still post the saved card privately.
 */
export function messageModal(title: string, blocks: Block[], responseUrl: string | null = null): ModalView {
  const meta = responseUrl ? JSON.stringify({ r: responseUrl }) : "";
  return {
    type: "modal",
    callback_id: CALLBACK.info,
    title: plain(title, LIMITS.modalTitle),
    close: plain("Close", LIMITS.modalTitle),
    blocks: blocks.slice(0, LIMITS.modalBlocks),
    ...(meta && meta.length <= LIMITS.privateMetadata ? { private_metadata: meta } : {}),
  };
}

const responseUrlSchema = z.object({ r: z.url().nullish() });

/** The response_url any of our modals carries (form or message modal), if it has one. */
export function responseUrlOf(privateMetadata: string | undefined): string | null {
  if (!privateMetadata) return null;
  try {
    return responseUrlSchema.safeParse(JSON.parse(privateMetadata)).data?.r ?? null;
  } catch {
    return null;
  }
}

/** Opened at once (the trigger_id lives ~3 s), then replaced by views.update when ITFlow answers. */
export function loadingModal(
  title: string,
  text = "Asking ITFlow…",
  responseUrl: string | null = null,
): ModalView {
  return messageModal(
    title,
    [section(plain(`:hourglass_flowing_sand: ${text}`, LIMITS.sectionText, true))],
    responseUrl,
  );
}

/** Any view inside a modal: a form as the form; a card, list or notice with Edit buttons that reuse the modal. */
export function viewModal(view: View, title: string, responseUrl: string | null = null): ModalView {
  switch (view.kind) {
    case "card":
      return messageModal(title, cardBlocks(view, "modal"), responseUrl);
    case "list":
      return messageModal(title, listBlocks(view, "modal"), responseUrl);
    case "notice":
      return messageModal(title, noticeBlocks(view, "modal"), responseUrl);
    case "help":
      return messageModal(title, helpBlocks(view), responseUrl);
    case "form":
      return formModal(view, { responseUrl });
  }
}
