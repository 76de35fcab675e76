// Contact data is typed by anyone with access to ITFlow (or parsed from an email), so it must never
// be read by Slack as a mention, a link or a command. In mrkdwn, `<!channel>`, `<@U123>` and
// `<https://evil|click>` are markup: escaping `&`, `<` and `>` is the one escape Slack documents
// and it is exact. Every string of contact data that lands in a mrkdwn text object, and in the
// message's fallback `text` (used for notifications, and parsed the same way), goes through
// `escapeMrkdwn`. plain_text objects (headers, buttons, options, inputs) are never parsed for
// markup, so they carry the data as it is, only clipped.

/** `&`, `<`, `>` as HTML entities: what Slack asks for, so markup in data shows as typed. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// Slack has no escape for *bold*, _italic_, ~strike~ or `code`. A zero-width space after each
// such character keeps a delimiter from pairing up with the next one, so "a_b_c" or "*VIP*" shows
// as typed; the mark is invisible. Only used on prose (names, titles, clients): never on emails,
// numbers or URLs, which a technician copies.
const FORMATTING = /[*_~`]/g;

/** Escape, and break formatting characters: for names and other prose shown in mrkdwn. */
export function escapeProse(text: string): string {
  return escapeMrkdwn(text).replace(FORMATTING, (c) => `${c}\u200b`);
}

/**
 * Cuts `text` to at most `max` UTF-16 units (the stricter of the ways Slack may count), on a
 * code-point boundary and never inside an `&amp;`-style entity, ending with "…" when cut.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  out = out.replace(/&[a-z]{0,4}$/, "");
  return `${out}…`;
}

/** A link in mrkdwn: characters that would end the link are percent-encoded in the URL; the label is escaped. */
export function mrkdwnLink(url: string, label: string): string {
  const safeUrl = url.replace(/[|<>\s]/g, (c) => encodeURIComponent(c));
  return `<${safeUrl}|${escapeMrkdwn(label)}>`;
}
