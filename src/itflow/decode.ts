// Turns what ITFlow sent back (status + raw body text) into an envelope or an ItflowError whose
// message a technician can act on. The raw body is never put into an error: it can hold PHP paths,
// HTML, other people's contact data or, echoed back by a proxy, the API key.
import type { z } from "zod";
import { type Logger, scrubSecrets } from "../log.js";
import { ItflowError } from "./errors.js";
import { type Envelope, envelopeSchema, insertIdSchema } from "./wire.js";

export type { Envelope } from "./wire.js";

/** Reads may be repeated and may salvage more; writes change data and are treated with care. */
export type Mode = "read" | "write";

export interface DecodeOptions {
  mode: Mode;
  log?: Logger | undefined;
  /** Called when JSON had to be dug out from behind PHP warnings (a server to fix, worth one warning). */
  onSalvaged?: (() => void) | undefined;
}

export const AUTH_MESSAGE =
  "ITFlow rejected the API key: it is missing, wrong or expired. Check ITFLOW_API_KEY.";
export const NO_ENDPOINT_MESSAGE = "ITFlow has no such API endpoint — check ITFLOW_URL";

// Text PHP prints for errors that stop the script: whatever JSON follows cannot be the real answer.
const PHP_FATAL = /Fatal error|Parse error|Uncaught|Stack trace/i;
// One line of PHP's display_errors output for a problem that let the script carry on.
const PHP_DIAGNOSTIC = /^(PHP )?(Warning|Notice|Deprecated|Strict Standards):\s/;
// Known database failures we can name without quoting the body.
const TOO_LONG = /Data too long for column '([a-z_]{1,64})'/;

/**
 * What an answer looked like, for a log line: never its text, which holds contact rows (or, from a
 * proxy echoing the request, the key).
 */
function shapeOf(body: string): string {
  const start = body.trimStart().slice(0, 1);
  if (start === "<") return "html";
  if (start === "{" || start === "[") return "json";
  if (/^(PHP )?(Warning|Notice|Deprecated|Fatal error|Parse error)/i.test(body.trimStart()))
    return "php output";
  return body.trim() === "" ? "empty" : "text";
}

function onlyPhpDiagnostics(preamble: string): boolean {
  return preamble
    .replace(/<[^>]*>/g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .every((line) => PHP_DIAGNOSTIC.test(line));
}

/**
 * Parses the body as JSON. With PHP's display_errors on, warnings are printed before the JSON;
 * then the final `{"success"…}` object is salvaged, on these terms:
 * - never when the text before it reports a fatal error (the script died; any JSON is not its answer);
 * - for reads, whatever else precedes it (a read changes nothing, and the rows are still checked);
 * - for writes, only when everything before it is PHP warnings/notices, because a misread write
 *   answer would tell the user something was (or was not) saved when it was not (or was).
 */
function parseJson(body: string, options: DecodeOptions): { ok: true; value: unknown } | { ok: false } {
  const { mode } = options;
  const text = body.replace(/^\uFEFF/, "");
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // fall through to salvage
  }
  const start = text.lastIndexOf('{"success"');
  if (start <= 0) return { ok: false };
  const preamble = text.slice(0, start);
  if (PHP_FATAL.test(preamble)) return { ok: false };
  if (mode === "write" && !onlyPhpDiagnostics(preamble)) return { ok: false };
  try {
    const value: unknown = JSON.parse(text.slice(start));
    options.log?.debug({ mode, skipped: start }, "used the JSON after PHP output in an ITFlow answer");
    options.onSalvaged?.();
    return { ok: true, value };
  } catch {
    return { ok: false };
  }
}

/** ITFlow's own `message` from a JSON error body, if it sent one. */
function itflowMessageOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      "message" in parsed &&
      typeof parsed.message === "string"
    ) {
      // A proxy or a patched server could echo the request (and so the key) back.
      return scrubSecrets(parsed.message).slice(0, 500);
    }
  } catch {
    // not JSON: there is no message to keep
  }
  return undefined;
}

function details(status: number, body: string): { status: number; itflowMessage?: string } {
  const itflowMessage = itflowMessageOf(body);
  return itflowMessage === undefined ? { status } : { status, itflowMessage };
}

const MAYBE_SAVED = " The change may have been saved anyway: check in ITFlow before trying again.";

function statusError(status: number, body: string, mode: Mode): ItflowError {
  if (status === 401) return new ItflowError("auth", AUTH_MESSAGE, details(status, body));
  if (status === 403) {
    const info = details(status, body);
    const message = /target client/i.test(info.itflowMessage ?? "")
      ? "ITFlow refused: the ITFlow user behind the API key has no access to this client."
      : "ITFlow refused: the ITFlow user behind the API key lacks the right to do this (its role) or access to this client.";
    return new ItflowError("forbidden", message, info);
  }
  if (status === 404) return new ItflowError("rejected", NO_ENDPOINT_MESSAGE, { status });
  if (status === 405) {
    return new ItflowError(
      "rejected",
      "ITFlow refused the request method for this endpoint (HTTP 405); this ITFlow version and the bot may disagree about its API.",
      details(status, body),
    );
  }
  if (status >= 300 && status < 400) {
    return new ItflowError(
      "rejected",
      `ITFlow answered with a redirect (HTTP ${status}). Set ITFLOW_URL to the address ITFlow really answers on (e.g. https:// instead of http://).`,
      { status },
    );
  }
  if (status >= 500) {
    if (mode === "write" && status === 500 && body.trim() === "") {
      return new ItflowError(
        "rejected",
        "ITFlow could not save this (HTTP 500, no details). This usually means a value is longer than its ITFlow column allows (200 characters for name, title, email, phones and department).",
        { status },
      );
    }
    const who =
      status === 500
        ? "ITFlow failed with an internal error"
        : "ITFlow (or a proxy in front of it) is not working";
    return new ItflowError(
      "rejected",
      `${who} (HTTP ${status}). The web server's PHP error log on the ITFlow host says why.${mode === "write" ? MAYBE_SAVED : ""}`,
      details(status, body),
    );
  }
  return new ItflowError("rejected", `ITFlow refused the request (HTTP ${status}).`, details(status, body));
}

function malformed(
  status: number,
  body: string,
  mode: Mode,
  log: Logger | undefined,
  what: string,
): ItflowError {
  log?.debug({ status, bytes: body.length, shape: shapeOf(body) }, "undecodable ITFlow answer");
  const tooLong = TOO_LONG.exec(body);
  if (tooLong) {
    return new ItflowError(
      "malformed",
      `ITFlow could not save this: the value for ${tooLong[1]} is longer than its column allows. (ITFlow also printed PHP errors into its answer; turn display_errors off.)`,
      { status },
    );
  }
  const saved = mode === "write" ? MAYBE_SAVED : "";
  return new ItflowError(
    "malformed",
    `ITFlow sent ${what} (HTTP ${status}). PHP may be printing errors into its answers (display_errors); the PHP error log on the ITFlow host says more.${saved}`,
    { status },
  );
}

/**
 * The envelope of a 2xx answer, or the ItflowError for anything else. A "False" envelope is
 * returned, not thrown: on a read it means "nothing found", on a write the caller decides.
 */
export function decodeEnvelope(status: number, body: string, options: DecodeOptions): Envelope {
  const { mode, log } = options;
  if (status < 200 || status >= 300) throw statusError(status, body, mode);
  const parsed = parseJson(body, options);
  if (!parsed.ok) throw malformed(status, body, mode, log, "an answer that is not JSON");
  const envelope = envelopeSchema.safeParse(parsed.value);
  if (!envelope.success) throw malformed(status, body, mode, log, "JSON without ITFlow's success field");
  return envelope.data;
}

/** The rows of a read; "False" (nothing found) is an empty list, not an error. */
export function rowsOf(envelope: Envelope): unknown[] {
  if (!envelope.success) return [];
  if (!Array.isArray(envelope.data)) {
    throw new ItflowError("malformed", "ITFlow answered a read with success but no list of rows.", {
      status: 200,
    });
  }
  return envelope.data;
}

/** Decodes every row with one schema; a row that does not fit fails the whole read. */
export function parseRows<S extends z.ZodType>(schema: S, rows: unknown[], what: string): z.output<S>[] {
  return rows.map((row) => parseWith(schema, row, what));
}

/**
 * What `schema` makes of `input` (a row, or a page of rows with a page schema); one that does not
 * fit is an ItflowError naming the field, never a value from the row.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0]?.path.map(String).join(".") || "row";
  throw new ItflowError(
    "malformed",
    `ITFlow sent a ${what} the bot could not read (${field} is missing or invalid).`,
    { status: 200 },
  );
}

/** A write answered "False" is a refusal; `refusal` says what was refused, ITFlow's text is kept aside. */
export function expectWritten(envelope: Envelope, refusal: string): Envelope {
  if (envelope.success) return envelope;
  throw new ItflowError("rejected", refusal, {
    status: 200,
    ...(envelope.message === undefined
      ? {}
      : { itflowMessage: scrubSecrets(envelope.message).slice(0, 500) }),
  });
}

/** The id create.php reports for the new row. */
export function insertIdOf(envelope: Envelope): number {
  const parsed = insertIdSchema.safeParse(envelope.data);
  if (parsed.success) return parsed.data[0]!.insert_id;
  throw new ItflowError(
    "malformed",
    "ITFlow said the contact was created but did not say its id. Search for it before creating it again.",
    { status: 200 },
  );
}
