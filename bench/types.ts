// What a scenario hands back to the runner: rows for the one table, and one verdict per target.

export type Status = "MET" | "MISSED" | "NOT MEASURED YET" | "CRASHED";

export interface Row {
  /** "(a)", "(b)" … the item of issue 5 the row belongs to. */
  id: string;
  what: string;
  /** How many timed samples the median and p99 come from; absent for single measurements. */
  n?: number;
  /** Milliseconds. */
  median?: number;
  /** Milliseconds (nearest-rank). */
  p99?: number;
  /** e.g. "0.004× direct" or "1.02× direct". */
  ratio?: string;
  /** The number the row exists for, when it is not a latency (requests, MB, overhead). */
  result: string;
  target?: string;
}

export interface Verdict {
  /** "(a) overhead ≤ 3 ms median" — printed as "target (a) overhead ≤ 3 ms median: MET (0.4 ms)". */
  target: string;
  status: Status;
  detail: string;
}

export interface ScenarioResult {
  rows: Row[];
  verdicts: Verdict[];
}
