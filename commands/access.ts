// Who may create and edit, all things considered: EDIT_ALLOW decides for people, and the ITFlow key
// itself may only read. Buttons are shown, and forms opened, only when both allow it.
import type { Caller } from "./caller.js";
import type { CommandContext } from "./context.js";
import type { NoticeView } from "./views.js";

const NOT_ALLOWED: NoticeView = {
  kind: "notice",
  level: "denied",
  text: "You are not allowed to create or edit contacts. An admin can add you to EDIT_ALLOW.",
};

const READ_ONLY: NoticeView = {
  kind: "notice",
  level: "denied",
  text: "This bot's ITFlow API key may only read contacts, so nobody can create or edit them from here; an ITFlow admin can give the key's user a role that may edit clients.",
};

/** Why `caller` may not create or edit right now, or null when they may. */
export function editRefusal(ctx: CommandContext, caller: Caller): NoticeView | null {
  if (!ctx.policy.canEdit(caller)) return NOT_ALLOWED;
  if (ctx.directory.writeAccess === "forbidden") return READ_ONLY;
  return null;
}

/** Whether to offer Edit and Create to `caller`. */
export function mayEdit(ctx: CommandContext, caller: Caller): boolean {
  return editRefusal(ctx, caller) === null;
}
