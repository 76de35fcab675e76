// Search keys for names: what someone types ("jose muller", "oconnor") must meet what ITFlow
// holds ("José Müller", "Carol O’Connor", "Grace <b>Hopper</b> & Co" from the email parser).

// Formatting tags vanish without a trace ("Ho<b>pp</b>er" is one word); any other tag (br, p,
// div, td …) separated words, so it becomes a space.
const INLINE_TAGS = new Set([
  ..."a abbr b bdi bdo big cite code del dfn em font i ins kbd mark q s samp".split(" "),
  ..."small span strike strong sub sup tt u var".split(" "),
]);
// A tag starts with a letter right after "<", so "Bob <3 Alice" and "a < b" are left alone.
const TAG = /<!--[\s\S]*?-->|<\/?([a-z][a-z0-9-]*)(?:\s[^<>]*)?\/?>/gi;
const ENTITY = /&(?:#(\d{1,7})|#x([\da-f]{1,6})|(amp|lt|gt|quot|apos|nbsp));/gi;
const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};
// Anything beyond printable ASCII and whitespace needs the slow path.
const NEEDS_FOLDING = /[^ -~\s]/;
// Combining marks (the accents NFKD splits off) and invisible format characters (soft hyphen,
// zero-width space, bidi marks) that pasted names carry.
const MARKS = /[\p{Mn}\p{Cf}]/gu;
// Letters NFKD does not decompose, and typographic punctuation folded to what keyboards type.
const FOLD: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
  ħ: "h",
  ŧ: "t",
  ŋ: "n",
  ς: "σ",
  "‐": "-",
  "‑": "-",
  "‒": "-",
  "–": "-",
  "—": "-",
  "―": "-",
  "−": "-",
  "“": '"',
  "”": '"',
  "„": '"',
  "‟": '"',
  "«": '"',
  "»": '"',
  "‘": "'",
  "’": "'",
  "‚": "'",
  "‛": "'",
  ʼ: "'",
  "′": "'",
};
const FOLDABLE = new RegExp(`[${Object.keys(FOLD).join("")}]`, "g");

/**
 * Case- and accent-insensitive search key: HTML tags stripped and a few entities decoded, NFKD with
 * combining marks removed, lower-cased (locale-independent), ß→ss, æ→ae, ø→o, ł→l and the like,
 * typographic dashes and quotes made ASCII, apostrophes dropped (so "oconnor" and "o'connor" both
 * find O’Connor), whitespace collapsed and trimmed.
 */
export function normalizeForSearch(s: string): string {
  // Most names are printable ASCII words with single spaces: lower-casing is all they need. Every
  // contact's name passes through here when the list is built (50,000 at a refresh).
  if (isPlainName(s)) return s.toLowerCase();
  let t = s;
  if (t.includes("<")) t = stripTags(t);
  if (t.includes("&")) t = decodeEntities(t);
  if (NEEDS_FOLDING.test(t)) {
    t = t
      .normalize("NFKD")
      .replace(MARKS, "")
      .toLowerCase()
      .replace(FOLDABLE, (c) => FOLD[c] ?? c);
  } else {
    t = t.toLowerCase();
  }
  if (t.includes("'")) t = t.replace(/'/g, "");
  return t.replace(/\s+/g, " ").trim();
}

/**
 * Words of printable ASCII with one space between them and none at the ends, without a tag, an
 * entity or an apostrophe (a loop: a regular expression for this took twice as long).
 */
function isPlainName(s: string): boolean {
  const n = s.length;
  if (n === 0 || s.charCodeAt(0) === 0x20 || s.charCodeAt(n - 1) === 0x20) return false;
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x3c || c === 0x26 || c === 0x27) return false; // < & '
    if (c === 0x20 && previous === 0x20) return false;
    previous = c;
  }
  return true;
}

/** HTML tags and comments removed, as ITFlow's email parser may store them in a name. */
export function stripTags(s: string): string {
  return s.replace(TAG, (_tag, name: string | undefined) =>
    name && INLINE_TAGS.has(name.toLowerCase()) ? "" : " ",
  );
}

function decodeEntities(s: string): string {
  return s.replace(
    ENTITY,
    (entity, dec: string | undefined, hex: string | undefined, named: string | undefined) => {
      if (named) return NAMED_ENTITIES[named.toLowerCase()] ?? entity;
      const code = dec ? Number(dec) : Number.parseInt(hex ?? "", 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    },
  );
}

// Characters that must not reach ITFlow, a chat message or a terminal: control characters (PHP's
// strip_tags drops NUL, so "Bo\0b" was stored as "Bob"; an ESC drives a terminal) and the
// bidirectional controls that make text read other than it is stored (U+202E turns "exe.live" into
// what looks like "evil.exe").
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAKS = /[\t\n\r]+/g;

/**
 * The text without control characters and bidirectional controls. Tabs and line breaks are kept
 * when `multiline`, otherwise they become spaces.
 */
export function withoutControls(text: string, multiline: boolean): string {
  const visible = text.replace(INVISIBLE, "");
  return multiline ? visible : visible.replace(LINE_BREAKS, " ");
}
