// Walks ITFlow's limit/offset pages to the end. ITFlow signals the end with a short page or with
// "False" (an empty page); a server that ignores `offset` would otherwise be read forever.
import { ItflowError } from "./errors.js";

export interface Page {
  limit: number;
  offset: number;
}

export function checkPage(page: Page): void {
  // limit 0 answers "nothing found" and a negative limit is a SQL error (HTTP 500) upstream.
  if (!Number.isInteger(page.limit) || page.limit < 1 || !Number.isInteger(page.offset) || page.offset < 0) {
    throw new ItflowError(
      "rejected",
      "A page of ITFlow rows needs a whole-number limit of at least 1 and an offset of 0 or more.",
    );
  }
}

export interface PagingOptions<T> {
  /** Pages requested at once (default 1). ITFlow's pages are independent reads by offset. */
  concurrency?: number;
  /**
   * Each page's new rows as it arrives (pages may arrive out of order). When given, the rows are
   * handed over and not gathered: the answer is then empty and holds nothing alive.
   */
  onPage?: (rows: T[]) => void;
}

/** Never more pages than this, whatever a broken server keeps sending (50 million rows at 5,000). */
const MAX_PAGES = 10_000;

/**
 * Every row of a paged list. Up to `concurrency` pages are in flight: while the bot decodes one page
 * ITFlow sends the next, and its per-request cost (PHP start-up, ~20 ms on a real server) is paid
 * side by side instead of once per page in a row.
 */
export async function collectPages<T extends { id: number }>(
  pageSize: number,
  fetchPage: (page: Page) => Promise<T[]>,
  options: PagingOptions<T> = {},
): Promise<T[]> {
  checkPage({ limit: pageSize, offset: 0 });
  const { onPage } = options;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const pages: Array<{ offset: number; rows: T[] }> = [];
  const seen = new Set<number>();
  /** The page (by offset) that first brought each first id: a repeat means offset is ignored. */
  const firstIds = new Map<number, number>();
  let next = 0;
  // Offsets from here on are past the end: a page came back short (or empty, or repeated).
  let end = Number.POSITIVE_INFINITY;
  let failed = false;
  const worker = async () => {
    while (!failed && next < end && next < MAX_PAGES * pageSize) {
      const offset = next;
      next += pageSize;
      let rows: T[];
      try {
        rows = await fetchPage({ limit: pageSize, offset });
      } catch (error) {
        // One failed page fails the list: the other pages in flight stop and hand nothing over.
        failed = true;
        throw error;
      }
      if (failed || offset >= end) continue;
      const firstId = rows[0]?.id;
      const firstSeenAt = firstId === undefined ? undefined : firstIds.get(firstId);
      if (firstId === undefined || (firstSeenAt !== undefined && firstSeenAt !== offset)) {
        end = Math.min(end, offset);
        continue;
      }
      firstIds.set(firstId, offset);
      if (rows.length < pageSize) end = Math.min(end, offset + pageSize);
      // Rows added or deleted between pages shift the offsets: never report a row twice.
      const fresh = rows.filter((row) => !seen.has(row.id));
      for (const row of fresh) seen.add(row.id);
      if (onPage) onPage(fresh);
      else pages.push({ offset, rows: fresh });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return pages.sort((a, b) => a.offset - b.offset).flatMap((page) => page.rows);
}
