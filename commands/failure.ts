// Turns anything that went wrong into a notice a technician can act on. ITFlow's own errors
// already carry such a message (one that names no address: chat channels read it); the log gets
// the details. Anything else is our bug, logged in full and shown briefly.
import { ListLoading } from "../src/contacts/directory.js";
import { ItflowError } from "../src/itflow/errors.js";
import type { Logger } from "../src/log.js";
import type { NoticeView } from "./views.js";

export const LIST_LOADING =
  "The contact list is still loading from ITFlow, so names and parts of numbers cannot be searched yet; an email address, a full phone number or a #id can. Try the name again in a moment.";

export function failureNotice(error: unknown, logger: Logger, doing: string): NoticeView {
  if (error instanceof ListLoading) return { kind: "notice", level: "info", text: LIST_LOADING };
  if (error instanceof ItflowError) {
    logger.warn(
      { kind: error.kind, status: error.status, itflowMessage: error.itflowMessage, detail: error.detail },
      `${doing}: ${error.message}`,
    );
    return { kind: "notice", level: "error", text: error.message };
  }
  logger.error({ err: error }, `${doing} failed`);
  return {
    kind: "notice",
    level: "error",
    text: `Something went wrong while ${doing}. Nothing was changed; the details are in the bot's log.`,
  };
}
