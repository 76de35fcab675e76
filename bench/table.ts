// The one table: aligned columns with units, then one line per target.
import type { Row, Verdict } from "./types.js";

/** "0.052 ms", "1.23 ms", "15.4 ms", "4,210 ms"; `signed` adds "+" to positive values. */
export function fmtMs(ms: number, signed = false): string {
  if (!Number.isFinite(ms)) return "n/a";
  const abs = Math.abs(ms);
  const digits = abs < 1 ? 3 : abs < 10 ? 2 : abs < 1000 ? 1 : 0;
  const text = ms.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${signed && ms > 0 ? "+" : ""}${text} ms`;
}

export function fmtRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return "n/a";
  const digits = ratio < 0.01 ? 4 : ratio < 10 ? 2 : 0;
  return `${ratio.toFixed(digits)}×`;
}

/** Megabytes of 10^6 bytes: the stricter reading of a "150 MB" target (150 MiB would allow 7 MB more). */
export function fmtMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function fmtInt(n: number): string {
  return n.toLocaleString("en-US");
}

const COLUMNS = ["row", "measurement", "n", "median", "p99", "vs direct", "result", "target"] as const;
const RIGHT_ALIGNED = new Set<string>(["n", "median", "p99", "vs direct"]);

function cells(row: Row): string[] {
  return [
    row.id,
    row.what,
    row.n === undefined ? "—" : fmtInt(row.n),
    row.median === undefined ? "—" : fmtMs(row.median),
    row.p99 === undefined ? "—" : fmtMs(row.p99),
    row.ratio ?? "—",
    row.result,
    row.target ?? "",
  ];
}

export function renderTable(rows: readonly Row[]): string {
  const body = rows.map(cells);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...body.map((r) => (r[i] ?? "").length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => {
        const width = widths[i] ?? 0;
        return RIGHT_ALIGNED.has(COLUMNS[i] ?? "") ? v.padStart(width) : v.padEnd(width);
      })
      .join(" │ ")
      .trimEnd();
  const rule = widths.map((w) => "─".repeat(w)).join("─┼─");
  return [line(COLUMNS), rule, ...body.map(line)].join("\n");
}

export function renderVerdicts(verdicts: readonly Verdict[]): string {
  return verdicts.map((v) => `target ${v.target}: ${v.status} (${v.detail})`).join("\n");
}
