// Turns anything that went wrong into a notice a technician can act on. ITFlow's own errors
// already carry such a message; anything else is our bug, logged in full and shown briefly.
import { ItflowError } from "../src/itflow/errors.js";
import type { Logger } from "../src/log.js";
import type { NoticeView } from "./views.js";

export function failureNotice(error: unknown, logger: Logger, doing: string): NoticeView {
  if (error instanceof ItflowError) {
    logger.warn(
      { kind: error.kind, status: error.status, itflowMessage: error.itflowMessage },
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
