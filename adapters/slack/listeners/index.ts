// Every listener the Slack app has, registered in one call.
import type { App } from "@slack/bolt";
import { CALLBACK } from "../ids.js";
import { registerActions } from "./actions.js";
import { registerCommand } from "./command.js";
import type { SlackDeps } from "./deps.js";
import { registerOptions } from "./options.js";
import { registerShortcuts } from "./shortcuts.js";
import { registerSubmit } from "./submit.js";
import { verifySubmitted } from "./verify.js";

export function registerListeners(app: App, deps: SlackDeps): void {
  registerCommand(app, deps);
  registerActions(app, deps);
  registerSubmit(app, deps, { [CALLBACK.verify]: verifySubmitted(deps) });
  registerShortcuts(app, deps);
  registerOptions(app, deps);
}
