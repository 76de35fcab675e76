// Every answer caller verification can give, for the renderer tests of each platform.
import type { VerifyOutcome } from "../../commands/verify.js";

/** Each outcome once (both kinds of no match and of no PIN), with `callBack` as the number on record. */
export function everyVerifyOutcome(callBack: string): VerifyOutcome[] {
  const until = Date.UTC(2026, 11, 1, 14, 32);
  return [
    { result: "match" },
    { result: "noMatch", triesLeft: 2, lockedUntil: null },
    { result: "noMatch", triesLeft: 0, lockedUntil: until },
    { result: "noPin", callBack },
    { result: "noPin", callBack: null },
    { result: "locked", until },
    { result: "capped", until },
  ];
}
