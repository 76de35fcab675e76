// Every button, select and modal this adapter sends carries its whole meaning in custom_id (1-100
// characters, the only state Discord hands back). Encoding and parsing live together here so a
// renderer and the handler that receives the click can never disagree on the format.
import type { FormMode } from "../../src/contacts/fields.js";

export type FormStep = 1 | 2;

export type Action =
  /** Open the contact form (step 1: name, email, phones, flags; step 2: the rest) for a contact. */
  | { kind: "edit"; step: FormStep; contactId: number }
  /** Post the contact's card publicly in the channel. */
  | { kind: "share"; contactId: number }
  /** Show the contact's full card privately to whoever clicks (the button on a call pop). */
  | { kind: "card"; contactId: number }
  /** A list's "open a contact" select; the chosen value is the contact id. */
  | { kind: "open" }
  /** "Create contact" after a search found nothing; `prefill` is what was searched for. */
  | { kind: "create"; prefill: string }
  /** The client picker shown before a create form; the chosen value is the client id. */
  | { kind: "pickClient"; sessionId: string }
  /** "Fix it": reopen a form step holding what the user typed. */
  | { kind: "fix"; step: FormStep; sessionId: string }
  /** "Verify caller": open the one-field verify form for a contact. */
  | { kind: "verify"; contactId: number }
  /** The submitted verify form: what the caller says about this contact's PIN. */
  | { kind: "verifyForm"; contactId: number }
  /**
   * A submitted form step. Besides the session id it carries what is needed to save even if the
   * session is gone (a restart with the in-memory store): mode, contact, client and version.
   */
  | {
      kind: "form";
      step: FormStep;
      sessionId: string;
      mode: FormMode;
      contactId: number | null;
      clientId: number | null;
      version: string | null;
    };

export const CUSTOM_ID_MAX = 100;
const SESSION = "[A-Za-z0-9_-]{6,24}";
const ID = "\\d{1,10}";

function num(text: string | undefined): number | null {
  if (text === undefined || text === "" || text === "0") return null;
  const n = Number(text);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

export function encodeAction(action: Action): string {
  let id: string;
  switch (action.kind) {
    case "edit":
      id = `e${action.step}:${action.contactId}`;
      break;
    case "share":
      id = `sh:${action.contactId}`;
      break;
    case "card":
      id = `cd:${action.contactId}`;
      break;
    case "open":
      id = "op";
      break;
    case "create":
      // The prefill is only a convenience: cut to fit rather than fail.
      id = `nw:${[...action.prefill].slice(0, CUSTOM_ID_MAX).join("")}`.slice(0, CUSTOM_ID_MAX);
      break;
    case "pickClient":
      id = `pc:${action.sessionId}`;
      break;
    case "fix":
      id = `fx${action.step}:${action.sessionId}`;
      break;
    case "verify":
      id = `vc:${action.contactId}`;
      break;
    case "verifyForm":
      id = `vf:${action.contactId}`;
      break;
    case "form":
      id = [
        `f${action.step}`,
        action.sessionId,
        action.mode === "create" ? "c" : "e",
        action.contactId ?? 0,
        action.clientId ?? 0,
        action.version ?? "-",
      ].join(":");
      break;
  }
  if (id.length > CUSTOM_ID_MAX) throw new Error(`custom_id too long (${id.length}): ${action.kind}`);
  return id;
}

const PATTERNS: Array<[RegExp, (m: RegExpExecArray) => Action | null]> = [
  [
    new RegExp(`^e([12]):(${ID})$`),
    (m) => {
      const contactId = num(m[2]);
      return contactId ? { kind: "edit", step: m[1] === "2" ? 2 : 1, contactId } : null;
    },
  ],
  [
    new RegExp(`^sh:(${ID})$`),
    (m) => {
      const contactId = num(m[1]);
      return contactId ? { kind: "share", contactId } : null;
    },
  ],
  [
    new RegExp(`^cd:(${ID})$`),
    (m) => {
      const contactId = num(m[1]);
      return contactId ? { kind: "card", contactId } : null;
    },
  ],
  [/^op$/, () => ({ kind: "open" })],
  [
    new RegExp(`^v([cf]):(${ID})$`),
    (m) => {
      const contactId = num(m[2]);
      if (!contactId) return null;
      return m[1] === "c" ? { kind: "verify", contactId } : { kind: "verifyForm", contactId };
    },
  ],
  [/^nw:([\s\S]*)$/, (m) => ({ kind: "create", prefill: m[1] ?? "" })],
  [new RegExp(`^pc:(${SESSION})$`), (m) => ({ kind: "pickClient", sessionId: m[1] ?? "" })],
  [
    new RegExp(`^fx([12]):(${SESSION})$`),
    (m) => ({ kind: "fix", step: m[1] === "2" ? 2 : 1, sessionId: m[2] ?? "" }),
  ],
  [
    new RegExp(`^f([12]):(${SESSION}):([ce]):(${ID}):(${ID}):([A-Za-z0-9_-]{1,40})$`),
    (m) => ({
      kind: "form",
      step: m[1] === "2" ? 2 : 1,
      sessionId: m[2] ?? "",
      mode: m[3] === "c" ? "create" : "edit",
      contactId: num(m[4]),
      clientId: num(m[5]),
      version: m[6] === "-" || m[6] === undefined ? null : m[6],
    }),
  ],
];

/** The action a custom_id stands for, or null when it is not one of ours (or is malformed). */
export function parseAction(customId: string): Action | null {
  if (customId.length === 0 || customId.length > CUSTOM_ID_MAX) return null;
  for (const [pattern, build] of PATTERNS) {
    const m = pattern.exec(customId);
    if (m) return build(m);
  }
  return null;
}
