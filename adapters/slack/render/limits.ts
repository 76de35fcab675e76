// Slack's limits that shape what the renderers build, from ../shared/platform-limits.md and Slack's
// Block Kit reference. The renderers clip to these; test/unit/slack-limits.test.ts checks every
// view against them, so a limit that changes is changed here once.
export const LIMITS = {
  /** Modal title, submit and close labels. */
  modalTitle: 24,
  modalBlocks: 100,
  /** The whole view as JSON. */
  viewBytes: 250_000,
  privateMetadata: 3000,
  /** callback_id, block_id, action_id. */
  id: 255,
  placeholder: 150,
  textInputMaxLength: 3000,
  inputLabel: 2000,
  hint: 2000,
  staticSelectOptions: 100,
  externalSelectOptions: 100,
  checkboxOptions: 10,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  messageBlocks: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  header: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  /** A message's fallback text; Slack truncates longer ones. */
  fallbackText: 4000,
} as const;
