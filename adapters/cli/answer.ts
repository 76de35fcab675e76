// Reading what a caller said from the terminal: typed at a prompt that does not echo it (someone
// may be looking over the technician's shoulder, and terminals keep scrollback), or one line of
// standard input when a script pipes it in.
import { createInterface } from "node:readline";

/** What a terminal needs to read keys one by one. */
export interface KeyInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

const ENTER = new Set(["\r", "\n"]);
const CTRL_C = "\u0003";
const CTRL_D = "\u0004";
const BACKSPACE = new Set(["\u007f", "\b"]);
// Escape sequences a terminal sends for arrow keys or around a paste (bracketed paste mode).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
const ESCAPES = /\u001b\[[0-9;]*[~A-Za-z]?|\u001b./g;

/**
 * Asks `question` on `output` and reads the answer without echoing it. Null when the user gave up
 * (Ctrl-C, or Ctrl-D on an empty line).
 */
export function askHidden(
  question: string,
  input: KeyInput,
  output: NodeJS.WritableStream,
): Promise<string | null> {
  // Echo goes off before the question shows, so nothing typed the moment it appears is echoed.
  input.setRawMode?.(true);
  output.write(question);
  input.setEncoding("utf8");
  input.resume();
  return new Promise((resolve) => {
    let typed = "";
    const finish = (answer: string | null) => {
      input.off("data", onData);
      input.setRawMode?.(false);
      input.pause();
      output.write("\n");
      resolve(answer === null ? null : answer.replace(ESCAPES, ""));
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of String(chunk)) {
        if (ENTER.has(ch)) return finish(typed);
        if (ch === CTRL_C || (ch === CTRL_D && typed === "")) return finish(null);
        if (BACKSPACE.has(ch)) typed = [...typed].slice(0, -1).join("");
        else if (ch === "\u001b" || ch >= " ") typed += ch;
      }
    };
    input.on("data", onData);
  });
}

/** The first line of `input` (a pipe or file), or null when it is empty. */
export async function readFirstLine(input: NodeJS.ReadableStream): Promise<string | null> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  try {
    for await (const line of lines) return line;
    return null;
  } finally {
    lines.close();
  }
}

/** What the caller said: hidden prompt on a terminal, else one line of standard input. */
export function readAnswer(
  question: string,
  input: KeyInput = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string | null> {
  return input.isTTY ? askHidden(question, input, output) : readFirstLine(input);
}
