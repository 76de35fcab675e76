// How a call pops into a Discord channel: an embed with who is calling (or that the number is
// unknown or withheld) and the state of the call, and buttons. Everyone in the channel sees it, so it
// carries only the caller's name, title, client and flags; Show full card and Verify caller answer
// whoever clicks, privately.
import { ButtonStyle } from "discord.js";
import { type CallPopView, callerHeadline, statusLine } from "../../../commands/calls/pop-view.js";
import { encodeAction } from "../custom-id.js";
import { button, linkButton, row } from "./embeds.js";
import { clip, md } from "./escape.js";
import { EMBED_LIMITS, type MessageOut } from "./message.js";
import { verifyButton } from "./verify.js";

const STATE_COLOR: Record<CallPopView["state"], number> = {
  ringing: 0x57f287,
  answered: 0x5865f2,
  ended: 0x99aab5,
  missed: 0xed4245,
};

type Caller = CallPopView["callers"][number];

function callerLine(c: Caller): string {
  const about = [c.title, c.client.name]
    .filter(Boolean)
    .map((t) => md(t, 200))
    .join(" · ");
  const flags = [c.important ? "Important" : null, c.primary ? "Primary" : null].filter(Boolean).join(" · ");
  return `**${md(c.name, 200)}**${about ? ` — ${about}` : ""}${flags ? `\n⭐ ${flags}` : ""}`;
}

/** The pop as a channel message (not an interaction reply: it is never ephemeral). */
export function renderPop(view: CallPopView): MessageOut {
  const lines: string[] = [];
  const components: MessageOut["components"] = [];
  const [only] = view.callers;
  if (view.number !== null && !only) {
    lines.push("**Unknown caller**");
    if (view.lookupIncomplete) lines.push("ITFlow did not answer in time; the caller may be known.");
    if (view.createFrom !== null) {
      components.push(
        row([
          button(
            "Create contact",
            encodeAction({ kind: "create", prefill: view.createFrom }),
            ButtonStyle.Primary,
          ),
        ]),
      );
    }
  } else if (only && view.total === 1) {
    lines.push(callerLine(only));
    const open = linkButton("Open in ITFlow", only.itflowUrl);
    components.push(
      row([
        button("Show full card", encodeAction({ kind: "card", contactId: only.id })),
        verifyButton(only.id),
        ...(open ? [open] : []),
      ]),
    );
  } else if (only) {
    lines.push(`**${view.total} contacts have this number**`);
    for (const c of view.callers) lines.push(callerLine(c));
    if (view.total > view.callers.length) {
      lines.push(`${view.total - view.callers.length} more — look the number up with /contact find.`);
    }
    components.push(
      row(view.callers.map((c) => button(c.name, encodeAction({ kind: "card", contactId: c.id })))),
    );
  }
  return {
    embeds: [
      {
        title: clip(`📞 ${view.number ?? "Withheld number"}`, EMBED_LIMITS.title),
        ...(lines.length > 0 ? { description: clip(lines.join("\n"), EMBED_LIMITS.description) } : {}),
        color: STATE_COLOR[view.state],
        // Footers show text literally: the agent's name needs no escaping there.
        footer: { text: clip(statusLine(view), EMBED_LIMITS.footer) },
      },
    ],
    components,
    ephemeral: false,
  };
}

/** The notification text of a pop (what a phone's lock screen shows); never a mention. */
export function popNotification(view: CallPopView): string {
  return clip(md(`${statusLine(view)}: ${callerHeadline(view)}`, 300), 300);
}
