// Contact data is written by anyone with access to ITFlow (or by a parsed email), so it must never
// be read as Discord markdown or as a mention. Every string from ITFlow or from a user passes
// through `escapeMarkdown` before it lands in a place Discord renders markdown (embed title,
// description, field names and values). Plain-text places (button and select labels, modal
// labels, autocomplete names, embed footers) show text literally and only need `clip`.

// Characters that start or end inline markdown anywhere in a line. Backslash first, so the
// backslashes added for the others are not doubled.
const INLINE = /[\\*_~`|[\]<]/g;
// Constructs that only mean something at the start of a line: headings, quotes, lists, subtext.
const LINE_START = /^(\s*)(#{1,3}\s|>{1,3}\s|-#\s|[-*+]\s)/;
// A backslash before a digit would show, so an ordered-list marker is broken at its dot instead.
const ORDERED = /^(\s*\d+)([.)]\s)/;
// @everyone and @here ping even inside text unless allowed_mentions forbids it; a zero-width space
// also stops Discord from highlighting them, so they read as the literal text they are.
const MASS_MENTION = /@(everyone|here)/gi;

export function escapeMarkdown(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const escaped = line.replace(INLINE, (c) => `\\${c}`).replace(MASS_MENTION, "@\u200b$1");
      return escaped
        .replace(LINE_START, (_m, space: string, marker: string) => `${space}\\${marker}`)
        .replace(ORDERED, (_m, number: string, marker: string) => `${number}\\${marker}`);
    })
    .join("\n");
}

/**
 * Cuts `text` to at most `max` UTF-16 units (Discord counts those), on a code-point boundary and
 * never in the middle of an escape, ending with "…" when something was cut.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  // A trailing lone backslash would escape the ellipsis and show itself.
  const trailing = /\\+$/.exec(out)?.[0].length ?? 0;
  if (trailing % 2 === 1) out = out.slice(0, -1);
  return `${out}…`;
}

/** Escape, then clip: the usual treatment for contact data in a markdown place. */
export function md(text: string, max: number): string {
  return clip(escapeMarkdown(text), max);
}
