// "Who is calling?" for a phone system: the contacts a caller's number belongs to, answered from the
// index, and from ITFlow's exact reads only within a hard budget. A desk phone is ringing while the
// PBX waits, so a slow or absent ITFlow makes the caller "unknown" in time rather than late.
import type { CallerNumber } from "../../src/contacts/caller-number.js";
import type { ContactRow } from "../../src/contacts/directory.js";
import { digitsOnly, isSameNumber } from "../../src/contacts/phone.js";
import { Deadline } from "../../src/itflow/deadline.js";
import type { CommandContext } from "../context.js";

/** How long a caller lookup may wait for ITFlow (a number not in the index) before saying "unknown". */
export const LOOKUP_BUDGET_MS = 1500;

export interface CallerMatch {
  row: ContactRow;
  /** Which of the contact's numbers is the caller's (3CX wants that one echoed back as it sent it). */
  matched: "phone" | "mobile";
}

export interface CallerLookup {
  number: CallerNumber;
  /** Contacts with this number, in the order /contact find shows them; archived ones left out. */
  matches: CallerMatch[];
  /** ITFlow had to be asked and did not answer within the budget: "unknown" may be wrong. */
  incomplete: boolean;
}

function matchedField(
  row: ContactRow,
  number: Extract<CallerNumber, { kind: "number" }>,
  ctx: CommandContext,
) {
  const { contact } = row;
  const same = (stored: string, cc: string | null) =>
    (number.query !== null && isSameNumber(stored, cc, ctx.region, number.query)) ||
    // Only the last digits arrived (3CX's MaxLength, a trunk that drops the country code).
    (stored !== "" && digitsOnly(stored).endsWith(number.digits));
  if (same(contact.phone, contact.phoneCountryCode)) return "phone" as const;
  if (same(contact.mobile, contact.mobileCountryCode)) return "mobile" as const;
  // Found by digits somewhere inside a number: not this caller.
  return null;
}

export async function lookupCaller(
  ctx: CommandContext,
  number: CallerNumber,
  budgetMs = LOOKUP_BUDGET_MS,
): Promise<CallerLookup> {
  if (number.kind !== "number") return { number, matches: [], incomplete: false };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), budgetMs);
  });
  // The deadline ends ITFlow's reads at the budget; the race below also covers waiting for the list.
  const search = ctx.directory.find(
    number.query ? { kind: "phone", phone: number.query } : { kind: "partialPhone", digits: number.digits },
    { deadline: new Deadline(budgetMs) },
  );
  let rows: ContactRow[] | null;
  try {
    rows = await Promise.race([search, late]);
  } catch (error) {
    ctx.logger.warn({ err: error }, "caller lookup: ITFlow could not answer; the caller is shown as unknown");
    return { number, matches: [], incomplete: true };
  } finally {
    clearTimeout(timer);
  }
  if (rows === null) {
    // The read goes on (and lands in the index for the next call); this PBX gets its answer now.
    search.catch(() => {});
    ctx.logger.warn(
      { budgetMs },
      "caller lookup: ITFlow did not answer in time; the caller is shown as unknown",
    );
    return { number, matches: [], incomplete: true };
  }
  const matches: CallerMatch[] = [];
  for (const row of rows) {
    const matched = matchedField(row, number, ctx);
    if (matched) matches.push({ row, matched });
  }
  return { number, matches, incomplete: false };
}
