// How a call pops into a Slack channel: who is calling (or that the number is unknown or withheld),
// the state of the call, and buttons. The message is public, so it carries only the caller's name,
// title, client and flags: the full card opens privately for whoever clicks Show full card, and
// Verify caller checks the caller's PIN privately for whoever clicks it.
import { type CallPopView, callerHeadline, statusLine } from "../../../commands/calls/pop-view.js";
import { ACTION } from "../ids.js";
import {
  actions,
  type Block,
  type Button,
  button,
  context,
  header,
  linkButton,
  mrkdwn,
  section,
} from "./blocks.js";
import type { SlackMessage } from "./cards.js";
import { clip, escapeMrkdwn, escapeProse } from "./escape.js";
import { LIMITS } from "./limits.js";
import { verifyButton } from "./verify-button.js";

const STATE_ICON: Record<CallPopView["state"], string> = {
  ringing: ":telephone_receiver:",
  answered: ":telephone_receiver:",
  ended: ":white_check_mark:",
  missed: ":x:",
};

type Caller = CallPopView["callers"][number];

function flags(c: Caller): string {
  return [c.important ? "Important" : null, c.primary ? "Primary" : null].filter(Boolean).join(" · ");
}

function callerLine(c: Caller): string {
  const about = [c.title, c.client.name].filter(Boolean).map(escapeProse).join(" · ");
  const marks = flags(c);
  return `*${escapeProse(c.name)}*${about ? ` — ${about}` : ""}${marks ? `\n:star: ${marks}` : ""}`;
}

function itflowButton(c: Caller): Button[] {
  return c.itflowUrl.length <= LIMITS.buttonUrl
    ? [linkButton("Open in ITFlow", ACTION.itflowLink, c.itflowUrl)]
    : [];
}

export function renderPop(view: CallPopView): SlackMessage {
  const title = view.number === null ? "Withheld number" : view.number;
  const blocks: Block[] = [header(`📞 ${title}`)];
  const [only] = view.callers;
  if (view.number === null) {
    // Nothing to look up and nothing to offer.
  } else if (!only) {
    const why = view.lookupIncomplete ? "\nITFlow did not answer in time; the caller may be known." : "";
    blocks.push(section(mrkdwn(`*Unknown caller*${why}`)));
    if (view.createFrom !== null) {
      blocks.push(actions([button("Create contact", ACTION.create, view.createFrom, "primary")]));
    }
  } else if (view.total === 1) {
    blocks.push(section(mrkdwn(callerLine(only))));
    blocks.push(
      actions([
        button("Show full card", ACTION.open, String(only.id)),
        verifyButton(only.id),
        ...itflowButton(only),
      ]),
    );
  } else {
    blocks.push(section(mrkdwn(`*${view.total} contacts have this number*`)));
    for (const c of view.callers) {
      blocks.push(section(mrkdwn(callerLine(c)), button("Show full card", ACTION.open, String(c.id))));
    }
    if (view.total > view.callers.length) {
      blocks.push(
        context(`${view.total - view.callers.length} more — look the number up with /contact find.`),
      );
    }
  }
  blocks.push(context(`${STATE_ICON[view.state]} ${escapeProse(statusLine(view))}`));
  const text = `${statusLine(view)}: ${callerHeadline(view)}${view.number ? ` · ${view.number}` : ""}`;
  return { text: clip(escapeMrkdwn(text), LIMITS.fallbackText), blocks };
}
