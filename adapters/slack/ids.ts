// Every callback_id and action_id the adapter puts on a surface, in one place: the listeners match
// on these, the renderers emit them, and the manifest names the two shortcut callback ids.
export const COMMAND = "/contact";

export const CALLBACK = {
  /** The create/edit form. */
  form: "contact_form",
  /** A modal that only shows something (Loading…, a card, a notice): nothing to submit. */
  info: "contact_info",
  /** Message shortcut "Look up contact" (manifest: shortcuts[].callback_id). */
  lookupShortcut: "lookup_contact",
  /** Global shortcut "New contact". */
  newShortcut: "new_contact",
  /** The verify-caller form: one input, what the caller says. */
  verify: "contact_verify_form",
} as const;

export const ACTION = {
  /** Button: open the edit form for the contact in `value`. */
  edit: "contact_edit",
  /** Button: post a public copy of the card for the contact in `value`. */
  share: "contact_share",
  /** Button on a list row: show the full card of the contact in `value`. */
  open: "contact_open",
  /** Button after "no contact matches": open the create form, `value` = what was searched. */
  create: "contact_create",
  /** Link button to ITFlow: Slack still sends an action for it, which only needs an ack. */
  itflowLink: "contact_itflow_link",
  /** The client picker (external select) on the create form. */
  client: "client",
  /** Button "Verify caller": open the verify form for the contact in `value`. */
  verify: "contact_verify",
} as const;

/** The block holding the flag checkboxes (the other inputs use their field key as block_id). */
export const FLAGS_BLOCK = "flags";
/** The block holding the client picker; also the key core errors use for it. */
export const CLIENT_BLOCK = "client";
/** The verify form's one input (block_id and action_id): what the caller says. */
export const CALLER_SAYS_BLOCK = "caller_says";

/** A pattern matching exactly one of `ids`: one Bolt listener for several ids, dispatching on the id. */
export function exactly(ids: readonly string[]): RegExp {
  return new RegExp(`^(?:${ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`);
}
