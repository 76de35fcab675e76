// The "Verify caller" button, on its own so that anything showing a contact (a card, a caller-ID
// pop) can carry it; a click opens the verify form for that contact (listeners/verify.ts).
import { ACTION } from "../ids.js";
import { type Button, button } from "./blocks.js";

export const VERIFY_TITLE = "Verify caller";

export function verifyButton(contactId: number): Button {
  return button(VERIFY_TITLE, ACTION.verify, String(contactId));
}
