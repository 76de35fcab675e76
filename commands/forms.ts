// `new` and `edit`: open the contact form, and save what comes back. Validation, the duplicate-email
// check, conflict detection and retry/double-submit dedupe all live here, once for every platform.
import { createHash } from "node:crypto";
import { type ContactRow, draftOf, versionOf } from "../src/contacts/directory.js";
import { CONTACT_FIELDS, type FormMode, fieldSpec, validateDraft } from "../src/contacts/fields.js";
import { formatPhone } from "../src/contacts/phone.js";
import { classifyQuery } from "../src/contacts/query.js";
import { normalizeForSearch } from "../src/contacts/text.js";
import type { Contact, ContactDraft } from "../src/contacts/types.js";
import type { Deadline } from "../src/itflow/deadline.js";
import { ItflowError } from "../src/itflow/errors.js";
import { editRefusal, mayEdit } from "./access.js";
import type { Caller } from "./caller.js";
import { actionDeadline, type CommandContext } from "./context.js";
import { failureNotice } from "./failure.js";
import { echo, findActive, viewOfRows } from "./find.js";
import { summarize } from "./summary.js";
import type { ChoiceView, FormErrors, FormValues, FormView, NoticeView, View } from "./views.js";

const DEFAULT_DEDUPE_MS = 10 * 60_000;

/** Text from other ITFlow paths can hold tags; a form shows what ITFlow would keep of it. */
function withoutTags(text: string): string {
  return text
    .replace(/<[^>]*>/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** The form's starting values for a stored contact: numbers formatted, tags removed. */
export function formValuesOf(contact: Contact, ctx: CommandContext): FormValues {
  const values: FormValues = {};
  for (const spec of CONTACT_FIELDS) {
    const value = draftOf(contact)[spec.key];
    if (spec.kind === "phone" && typeof value === "string" && value) {
      const cc = spec.key === "phone" ? contact.phoneCountryCode : contact.mobileCountryCode;
      values[spec.key] = formatPhone(value, cc, ctx.region);
    } else if (typeof value === "string" && spec.kind !== "multiline") {
      values[spec.key] = withoutTags(value);
    } else {
      values[spec.key] = value;
    }
  }
  return values;
}

async function locationChoices(
  ctx: CommandContext,
  clientId: number | null,
  deadline?: Deadline,
): Promise<ChoiceView[]> {
  if (clientId === null) return [];
  return (await ctx.directory.locationsOf(clientId, deadline)).map((l) => ({
    value: String(l.id),
    label: l.name,
  }));
}

/**
 * The client's primary contact, whom ticking Primary on this form would demote; null when there
 * is none, or this contact is the primary already.
 */
export async function primaryHolder(
  ctx: CommandContext,
  clientId: number | null,
  contactId: number | null,
  deadline?: Deadline,
): Promise<string | null> {
  if (clientId === null) return null;
  const primary = await ctx.directory.currentPrimary(clientId, contactId ?? undefined, deadline);
  return primary ? primary.name : null;
}

export async function openCreateForm(ctx: CommandContext, caller: Caller, clientName = ""): Promise<View> {
  const refusal = editRefusal(ctx, caller);
  if (refusal) return refusal;
  const deadline = actionDeadline(ctx);
  try {
    let client: { id: number; name: string } | null = null;
    let notice: string | null = null;
    if (clientName.trim()) {
      const matches = await ctx.directory.searchClients(clientName, deadline);
      const exact = matches.find((c) => normalizeForSearch(c.name) === normalizeForSearch(clientName));
      const only = exact ?? (matches.length === 1 ? matches[0] : undefined);
      if (only) client = { id: only.id, name: only.name };
      else if (matches.length === 0) {
        return { kind: "notice", level: "notFound", text: `No client matches "${echo(clientName)}".` };
      } else notice = `Several clients match "${echo(clientName)}"; pick one.`;
    }
    return await createForm(ctx, client, notice, deadline);
  } catch (error) {
    return failureNotice(error, ctx.logger, "opening the new-contact form");
  }
}

/** The create form for a client picked by id (from a picker: two clients may share a name). */
export async function openCreateFormFor(
  ctx: CommandContext,
  caller: Caller,
  clientId: number,
): Promise<View> {
  const refusal = editRefusal(ctx, caller);
  if (refusal) return refusal;
  const deadline = actionDeadline(ctx);
  try {
    const client = await ctx.directory.client(clientId, deadline);
    if (!client)
      return { kind: "notice", level: "notFound", text: "That client no longer exists in ITFlow." };
    return await createForm(ctx, { id: client.id, name: client.name }, null, deadline);
  } catch (error) {
    return failureNotice(error, ctx.logger, "opening the new-contact form");
  }
}

async function createForm(
  ctx: CommandContext,
  client: { id: number; name: string } | null,
  notice: string | null,
  deadline: Deadline,
): Promise<FormView> {
  return {
    kind: "form",
    mode: "create",
    title: "New contact",
    contactId: null,
    version: null,
    client,
    values: {},
    errors: {},
    locations: await locationChoices(ctx, client?.id ?? null, deadline),
    notice,
    primaryHolder: await primaryHolder(ctx, client?.id ?? null, null, deadline),
  };
}

/**
 * The edit form for a query (`#42`, an email, a phone, a name) or a contact id. `cached` opens it
 * from the index without asking ITFlow, for platforms that must show a form within milliseconds;
 * the version it carries still protects against saving over a newer copy.
 */
export async function openEditForm(
  ctx: CommandContext,
  caller: Caller,
  target: { contactId: number; cached?: boolean } | { query: string },
): Promise<View> {
  const refusal = editRefusal(ctx, caller);
  if (refusal) return refusal;
  const deadline = actionDeadline(ctx);
  try {
    let row: ContactRow | null;
    if ("contactId" in target) {
      row = target.cached
        ? ((await ctx.directory.getCached(target.contactId)) ??
          (await ctx.directory.getFresh(target.contactId, deadline)))
        : await ctx.directory.getFresh(target.contactId, deadline);
      if (!row)
        return { kind: "notice", level: "notFound", text: `Contact #${target.contactId} no longer exists.` };
    } else {
      const query = classifyQuery(target.query, ctx.region);
      const rows =
        query.kind === "empty" || query.kind === "invalidEmail"
          ? []
          : await findActive(ctx, target.query, query, deadline);
      if ("kind" in rows) return rows;
      if (rows.length !== 1 || !rows[0]) return viewOfRows(ctx, caller, target.query, rows);
      const id = rows[0].contact.id;
      row = await ctx.directory.getFresh(id, deadline);
      if (!row)
        return {
          kind: "notice",
          level: "notFound",
          text: `Contact #${id} no longer exists.`,
        } as NoticeView;
    }
    return await editFormFor(ctx, row, deadline);
  } catch (error) {
    return failureNotice(error, ctx.logger, "opening the contact form");
  }
}

async function editFormFor(ctx: CommandContext, row: ContactRow, deadline: Deadline): Promise<FormView> {
  return {
    kind: "form",
    mode: "edit",
    title: "Edit contact",
    contactId: row.contact.id,
    version: versionOf(row.contact),
    client: { id: row.client.id, name: row.client.name },
    values: formValuesOf(row.contact, ctx),
    errors: {},
    locations: await locationChoices(ctx, row.client.id, deadline),
    notice: null,
    primaryHolder: row.contact.primary
      ? null
      : await primaryHolder(ctx, row.client.id, row.contact.id, deadline),
  };
}

export interface SubmitInput {
  mode: FormMode;
  /** Identifies this form instance (Slack view id, Discord form session): part of the dedupe key. */
  formKey: string;
  contactId: number | null;
  version: string | null;
  clientId: number | null;
  values: FormValues;
}

function dedupeKey(caller: Caller, input: SubmitInput): string {
  return createHash("sha256")
    .update(
      JSON.stringify([
        caller.platform,
        caller.workspaceId,
        caller.userId,
        input.formKey,
        input.mode,
        input.contactId,
        input.version,
        input.clientId,
        input.values,
      ]),
    )
    .digest("base64url");
}

/**
 * Saves a submitted form. The same submission arriving twice (a Slack retry, a double click) is
 * done once: the second gets the first one's answer, or "already being saved" while it runs.
 */
export async function submitForm(ctx: CommandContext, caller: Caller, input: SubmitInput): Promise<View> {
  const refusal = editRefusal(ctx, caller);
  if (refusal) return refusal;
  if (input.mode === "edit" && (input.contactId === null || input.version === null)) {
    return { kind: "notice", level: "error", text: "This form lost track of its contact; open Edit again." };
  }
  const deadline = actionDeadline(ctx);
  const reopen = async (errors: FormErrors): Promise<FormView> => {
    const client = input.clientId === null ? null : await ctx.directory.client(input.clientId, deadline);
    return {
      kind: "form",
      mode: input.mode,
      title: input.mode === "create" ? "New contact" : "Edit contact",
      contactId: input.contactId,
      version: input.version,
      client: client ? { id: client.id, name: client.name } : null,
      values: input.values,
      errors,
      locations: await locationChoices(ctx, input.clientId, deadline),
      notice: null,
      primaryHolder: await primaryHolder(ctx, input.clientId, input.contactId, deadline),
    };
  };
  try {
    const keep = await untouchedFields(ctx, input, deadline);
    const checked = validateDraft(input.values, input.mode, ctx.region, keep);
    const errors: FormErrors = checked.ok ? {} : { ...checked.errors };
    if (input.mode === "create" && input.clientId === null) {
      errors.client = "Choose the client this contact belongs to.";
    }
    if (
      input.mode === "create" &&
      checked.ok &&
      input.clientId !== null &&
      checked.draft.locationId !== null
    ) {
      const locations = await ctx.directory.locationsOf(input.clientId, deadline);
      if (!locations.some((l) => l.id === checked.draft.locationId)) {
        errors.locationId = "Location: choose one of this client's locations.";
      }
    }
    if (!checked.ok || Object.keys(errors).length > 0) return await reopen(errors);
    const cleaned = checked.cleaned.map((key) => fieldSpec(key).label);
    return await saveOnce(ctx, caller, input, () =>
      save(ctx, caller, input, checked.draft, reopen, deadline, cleaned),
    );
  } catch (error) {
    return failureNotice(error, ctx.logger, "saving the contact");
  }
}

/**
 * The fields of an edit form that still hold what the form showed, or that it did not carry: they
 * keep ITFlow's stored value and skip validation, so an odd stored value nobody touched never
 * blocks a save and a field the form left out is never blanked.
 */
async function untouchedFields(
  ctx: CommandContext,
  input: SubmitInput,
  deadline: Deadline,
): Promise<Partial<ContactDraft>> {
  if (input.mode !== "edit" || input.contactId === null) return {};
  const row =
    (await ctx.directory.getCached(input.contactId)) ??
    (await ctx.directory.getFresh(input.contactId, deadline));
  if (!row) return {};
  const shown = formValuesOf(row.contact, ctx);
  const stored = draftOf(row.contact);
  const keep: Partial<ContactDraft> = {};
  const same = (a: unknown, b: unknown) =>
    (a ?? "") === (b ?? "") || String(a ?? "").trim() === String(b ?? "").trim();
  for (const spec of CONTACT_FIELDS) {
    // A field the form did not carry at all (a step of a multi-step form, notes too long for a
    // chat form) is not a request to blank it.
    if (!(spec.key in input.values) || same(input.values[spec.key], shown[spec.key])) {
      (keep as Record<string, unknown>)[spec.key] = stored[spec.key];
    }
  }
  return keep;
}

/**
 * Runs `work` once per submission. The same submission arriving again (a Slack retry, a double
 * click) gets the first one's answer, waiting briefly for it while the first is still running.
 */
async function saveOnce(
  ctx: CommandContext,
  caller: Caller,
  input: SubmitInput,
  work: () => Promise<View>,
): Promise<View> {
  const key = dedupeKey(caller, input);
  const results = ctx.store.namespace("submissions");
  const ttl = ctx.dedupeTtlMs ?? DEFAULT_DEDUPE_MS;
  if (!(await ctx.store.claim(`submit:${key}`, ttl))) {
    const earlier = await waitForResult(results, key);
    if (earlier) return earlier;
    // The first attempt failed and gave its claim back: this one may do the work.
    if (!(await ctx.store.claim(`submit:${key}`, ttl))) {
      return {
        kind: "notice",
        level: "info",
        text: "This form is already being saved; the result will show in a moment.",
      };
    }
  }
  try {
    const running = work();
    const view = await (ctx.writes ? ctx.writes.track(running) : running);
    await results.set(key, view, ttl);
    return view;
  } catch (error) {
    // A create that timed out may have been stored by ITFlow all the same: keep the claim so a
    // retry cannot make a second contact. Any other failure may simply be tried again.
    const unsure = error instanceof ItflowError && error.kind === "timeout" && input.mode === "create";
    const notice = failureNotice(error, ctx.logger, "saving the contact");
    if (unsure) await results.set(key, notice, ttl);
    else await ctx.store.release(`submit:${key}`);
    return notice;
  }
}

async function waitForResult(
  results: ReturnType<CommandContext["store"]["namespace"]>,
  key: string,
): Promise<View | null> {
  // A retry usually lands while the first attempt is still talking to ITFlow: wait briefly for
  // its answer rather than show a vague "in progress".
  for (let i = 0; i < 20; i++) {
    const view = await results.get<View>(key);
    if (view) return view;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

async function save(
  ctx: CommandContext,
  caller: Caller,
  input: SubmitInput,
  draft: ReturnType<typeof draftOf>,
  reopen: (errors: FormErrors) => Promise<FormView>,
  deadline: Deadline,
  cleaned: string[],
): Promise<View> {
  const canEdit = mayEdit(ctx, caller);
  if (input.mode === "create") {
    const outcome = await ctx.directory.create(input.clientId ?? 0, draft, deadline);
    switch (outcome.kind) {
      case "unknownClient":
        return reopen({ client: "That client does not exist or this bot's ITFlow key cannot see it." });
      case "duplicate": {
        const c = outcome.existing.contact;
        return reopen({
          email: `${c.email} is already used by ${c.name} (#${c.id}) at ${outcome.existing.client.name}.`,
        });
      }
      case "created":
        return {
          kind: "card",
          contact: summarize(outcome.row, ctx.region, ctx.itflowUrl),
          canEdit,
          saved: {
            created: true,
            changes: [],
            demotedPrimary: outcome.demoted?.name ?? null,
            differences: outcome.differences,
            cleaned,
          },
        };
    }
  }
  const outcome = await ctx.directory.update(input.contactId ?? 0, draft, input.version ?? "", deadline);
  switch (outcome.kind) {
    case "notFound":
      return {
        kind: "notice",
        level: "notFound",
        text: `Contact #${input.contactId} no longer exists in ITFlow.`,
      };
    case "badLocation":
      return reopen({ locationId: "Location: choose one of this client's locations." });
    case "duplicate": {
      const c = outcome.existing.contact;
      return reopen({
        email: `${c.email} is already used by ${c.name} (#${c.id}) at ${outcome.existing.client.name}.`,
      });
    }
    case "conflict":
      return {
        kind: "notice",
        level: "conflict",
        text: `${outcome.row.contact.name} was changed in ITFlow after you opened this form, so nothing was saved. Here is the current version; press Edit to make your change on it.`,
        contact: summarize(outcome.row, ctx.region, ctx.itflowUrl),
      };
    case "unchanged":
      return {
        kind: "card",
        contact: summarize(outcome.row, ctx.region, ctx.itflowUrl),
        canEdit,
        saved: { created: false, changes: [], demotedPrimary: null, differences: [], cleaned },
      };
    case "updated":
      return {
        kind: "card",
        contact: summarize(outcome.row, ctx.region, ctx.itflowUrl),
        canEdit,
        saved: {
          created: false,
          changes: outcome.changes,
          demotedPrimary: outcome.demoted?.name ?? null,
          differences: outcome.differences,
          cleaned,
        },
      };
  }
}
