// Everything a command handler needs, handed in by whoever starts the bot (CLI, Slack, Discord).
import type { CountryCode } from "libphonenumber-js";
import type { ContactDirectory } from "../src/contacts/directory.js";
import type { InFlight } from "../src/inflight.js";
import { DEFAULT_ACTION_TIMEOUT_MS, Deadline } from "../src/itflow/deadline.js";
import type { Logger } from "../src/log.js";
import type { Store } from "../src/store.js";
import type { AccessPolicy } from "./caller.js";
import type { VerifyAuditSink } from "./verify.js";

export interface CommandContext {
  directory: ContactDirectory;
  policy: AccessPolicy;
  store: Store;
  region: CountryCode;
  /** ITFlow's web address, for "Open in ITFlow" links. */
  itflowUrl: string;
  logger: Logger;
  /** How long a form submission is remembered, so a retry or double click is answered, not redone. */
  dedupeTtlMs?: number;
  /** Writes under way, which a graceful shutdown waits for. */
  writes?: InFlight;
  /** Where caller-verification attempts are posted (audit channels); adapters add theirs. */
  verifyAudit?: VerifyAuditSink[];
  /** How long one action (a find, opening a form, a save) may wait for ITFlow in all. Default 8000. */
  actionTimeoutMs?: number;
}

/** The deadline of an action starting now: every ITFlow request made for it ends by then. */
export function actionDeadline(ctx: CommandContext): Deadline {
  return new Deadline(ctx.actionTimeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS);
}
