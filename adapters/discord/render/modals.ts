// Form views → Discord modals, and what a submitted modal holds → form values. Both steps are
// derived from the shared field table (see form-steps.ts): labels, length limits, placeholders and
// required-ness are the table's, so Discord and Slack forms can never drift apart.
import {
  CheckboxGroupBuilder,
  CheckboxGroupOptionBuilder,
  ComponentType,
  LabelBuilder,
  ModalBuilder,
  type ModalData,
  StringSelectMenuBuilder,
  StringSelectMenuOptionBuilder,
  TextDisplayBuilder,
  TextInputBuilder,
  TextInputStyle,
} from "discord.js";
import type { FormValues, FormView } from "../../../commands/views.js";
import type { FieldSpec } from "../../../src/contacts/fields.js";
import { encodeAction, type FormStep } from "../custom-id.js";
import { clip } from "./escape.js";
import { FLAG_SPECS, FLAGS_ID, fieldsOfStep } from "./form-steps.js";

/** Discord's modal limits (platform-limits.md). */
export const MODAL_LIMITS = {
  title: 45,
  components: 5,
  label: 45,
  description: 100,
  placeholder: 100,
  inputMax: 4000,
  selectOptions: 25,
  checkboxOptions: 10,
  optionText: 100,
} as const;

/** "No location" in the location select: ITFlow stores 0 for it. */
export const NO_LOCATION = "0";

function text(value: FormValues[keyof FormValues]): string {
  if (value === null || value === undefined || typeof value === "boolean") return "";
  return String(value);
}

function modalTitle(form: FormView, step: FormStep): string {
  const suffix = ` (${step}/2)`;
  const name = text(form.values.name).trim();
  const base =
    form.mode === "edit"
      ? `Edit ${name || "contact"}`
      : form.client
        ? `New contact at ${form.client.name}`
        : "New contact";
  return clip(base, MODAL_LIMITS.title - suffix.length) + suffix;
}

function textInput(spec: FieldSpec, form: FormView): LabelBuilder | TextDisplayBuilder {
  const value = text(form.values[spec.key]);
  if (value.length > MODAL_LIMITS.inputMax) {
    // Prefilling a cut copy would silently shorten the field on save; leaving it out keeps it.
    return new TextDisplayBuilder().setContent(
      `**${spec.label}** is longer than a Discord form can hold and is kept as it is; change it in ITFlow.`,
    );
  }
  const input = new TextInputBuilder()
    .setCustomId(spec.key)
    .setStyle(spec.kind === "multiline" ? TextInputStyle.Paragraph : TextInputStyle.Short)
    .setRequired(spec.requiredIn.includes(form.mode))
    // A stored value longer than ITFlow's limit must still fit, so validation can name the problem.
    .setMaxLength(Math.min(MODAL_LIMITS.inputMax, Math.max(spec.maxLength, value.length)));
  if (spec.placeholder) input.setPlaceholder(clip(spec.placeholder, MODAL_LIMITS.placeholder));
  if (value) input.setValue(value);
  const label = new LabelBuilder()
    .setLabel(clip(spec.label, MODAL_LIMITS.label))
    .setTextInputComponent(input);
  const note = form.errors[spec.key] ?? spec.hint;
  if (note) label.setDescription(clip(note, MODAL_LIMITS.description));
  return label;
}

function flagsInput(form: FormView): LabelBuilder {
  const group = new CheckboxGroupBuilder()
    .setCustomId(FLAGS_ID)
    .setRequired(false)
    .setMinValues(0)
    .setMaxValues(FLAG_SPECS.length)
    .setOptions(
      FLAG_SPECS.map((spec) => {
        const option = new CheckboxGroupOptionBuilder()
          .setLabel(clip(spec.label, MODAL_LIMITS.optionText))
          .setValue(spec.key)
          .setDefault(form.values[spec.key] === true);
        // Under the Primary box itself: whom ticking it would demote, when someone would be.
        const hint =
          spec.key === "primary" && form.primaryHolder
            ? `${form.primaryHolder} is primary now; ticking this demotes them.`
            : spec.hint;
        if (hint) option.setDescription(clip(hint, MODAL_LIMITS.optionText));
        return option;
      }),
    );
  const label = new LabelBuilder().setLabel("Flags").setCheckboxGroupComponent(group);
  const flagError = FLAG_SPECS.map((s) => form.errors[s.key]).find(Boolean);
  const note = flagError ?? form.notice;
  if (note) label.setDescription(clip(note, MODAL_LIMITS.description));
  return label;
}

function locationInput(spec: FieldSpec, form: FormView): LabelBuilder | null {
  if (form.locations.length === 0) return null;
  const current = text(form.values.locationId);
  // A select holds 25 options: "No location", then the client's locations, always including the
  // current one so opening and saving the form never moves the contact.
  let shown = form.locations.slice(0, MODAL_LIMITS.selectOptions - 1);
  const chosen = form.locations.find((l) => l.value === current);
  if (chosen && !shown.includes(chosen)) shown = [...shown.slice(0, -1), chosen];
  const select = new StringSelectMenuBuilder()
    .setCustomId(spec.key)
    .setRequired(false)
    .setMinValues(0)
    .setMaxValues(1)
    .setPlaceholder("No location")
    .setOptions(
      new StringSelectMenuOptionBuilder().setLabel("No location").setValue(NO_LOCATION).setDefault(!chosen),
      ...shown.map((l) =>
        new StringSelectMenuOptionBuilder()
          .setLabel(clip(l.label || `Location #${l.value}`, MODAL_LIMITS.optionText))
          .setValue(l.value)
          .setDefault(l.value === current),
      ),
    );
  const label = new LabelBuilder()
    .setLabel(clip(spec.label, MODAL_LIMITS.label))
    .setStringSelectMenuComponent(select);
  const note =
    form.errors[spec.key] ??
    (form.locations.length > shown.length
      ? `Showing ${shown.length} of ${form.locations.length} locations; set others in ITFlow.`
      : undefined);
  if (note) label.setDescription(clip(note, MODAL_LIMITS.description));
  return label;
}

/** One step of the contact form as a modal; `sessionId` keys the server-side form state. */
export function formModal(form: FormView, step: FormStep, sessionId: string): ModalBuilder {
  const modal = new ModalBuilder()
    .setCustomId(
      encodeAction({
        kind: "form",
        step,
        sessionId,
        mode: form.mode,
        contactId: form.contactId,
        clientId: form.client?.id ?? null,
        version: form.version,
      }),
    )
    .setTitle(modalTitle(form, step));
  for (const spec of fieldsOfStep(step)) {
    const component = spec.kind === "location" ? locationInput(spec, form) : textInput(spec, form);
    if (component instanceof LabelBuilder) modal.addLabelComponents(component);
    else if (component) modal.addTextDisplayComponents(component);
  }
  if (step === 1) modal.addLabelComponents(flagsInput(form));
  return modal;
}

/**
 * The values a submitted step holds, keyed like the field table. Fields the step does not show
 * (or that Discord left out) are absent, so merging over the session keeps what was there.
 */
export function valuesFromSubmission(fields: Iterable<ModalData>, step: FormStep): FormValues {
  const values: FormValues = {};
  const own = new Map(fieldsOfStep(step).map((spec) => [spec.key as string, spec]));
  for (const field of fields) {
    if (field.type === ComponentType.TextInput) {
      const spec = own.get(field.customId);
      if (spec && spec.kind !== "location") values[spec.key] = field.value;
    } else if (field.type === ComponentType.CheckboxGroup && field.customId === FLAGS_ID && step === 1) {
      const ticked = new Set(field.values);
      for (const spec of FLAG_SPECS) values[spec.key] = ticked.has(spec.key);
    } else if (field.type === ComponentType.StringSelect) {
      const spec = own.get(field.customId);
      if (spec?.kind === "location") {
        const chosen = field.values[0];
        values[spec.key] = chosen === undefined || chosen === NO_LOCATION ? null : chosen;
      }
    }
  }
  return values;
}
