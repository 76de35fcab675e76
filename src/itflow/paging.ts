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

export async function collectPages<T extends { id: number }>(
  pageSize: number,
  fetchPage: (page: Page) => Promise<T[]>,
  onPage?: (rows: T[]) => void,
): Promise<T[]> {
  checkPage({ limit: pageSize, offset: 0 });
  const all: T[] = [];
  const seen = new Set<number>();
  let previousFirstId: number | undefined;
  for (let offset = 0; ; offset += pageSize) {
    const rows = await fetchPage({ limit: pageSize, offset });
    const firstId = rows[0]?.id;
    if (firstId === undefined || firstId === previousFirstId) break;
    previousFirstId = firstId;
    // Rows added or deleted between pages shift the offsets: never report a row twice.
    const fresh = rows.filter((row) => !seen.has(row.id));
    for (const row of fresh) {
      seen.add(row.id);
      all.push(row);
    }
    onPage?.(fresh);
    if (rows.length < pageSize) break;
  }
  return all;
}
