// What Slack puts in `view.state` when a user submits a modal: one entry per input block, holding the
// element's current value. Built from the modal the bot actually sent (as recorded by the fake),
// starting from its initial values and applying what the "user" typed or picked.

export type Typed =
  /** A text input's new value (or null for emptied). */
  | string
  | null
  /** A select's chosen option value. */
  | { option: string | null }
  /** The ticked checkbox values. */
  | string[];

interface Element {
  type: string;
  action_id: string;
  initial_value?: string;
  initial_option?: { value: string };
  initial_options?: Array<{ value: string }>;
}

interface BlockJson {
  type: string;
  block_id?: string;
  element?: Element;
}

export type StateValues = Record<string, Record<string, Record<string, unknown>>>;

export function stateOf(
  view: Record<string, unknown>,
  typed: Record<string, Typed> = {},
): { values: StateValues } {
  const values: StateValues = {};
  for (const block of (view.blocks as BlockJson[] | undefined) ?? []) {
    if (block.type !== "input" || !block.block_id || !block.element) continue;
    const el = block.element;
    const change = typed[block.block_id];
    let entry: Record<string, unknown>;
    switch (el.type) {
      case "plain_text_input":
        entry = { type: el.type, value: change !== undefined ? change : (el.initial_value ?? null) };
        break;
      case "static_select":
      case "external_select": {
        const picked =
          change && typeof change === "object" && "option" in change
            ? change.option === null
              ? null
              : { value: change.option, text: { type: "plain_text", text: change.option } }
            : (el.initial_option ?? null);
        entry = { type: el.type, selected_option: picked };
        break;
      }
      case "checkboxes": {
        const ticked = Array.isArray(change)
          ? change.map((value) => ({ value }))
          : (el.initial_options ?? []);
        entry = { type: el.type, selected_options: ticked };
        break;
      }
      default:
        entry = { type: el.type };
    }
    values[block.block_id] = { [el.action_id]: entry };
  }
  return { values };
}
