// The terminal prompt for what a caller says, fed keystrokes the way a terminal in raw mode sends
// them: echo off while it reads, Backspace, a bracketed paste, and giving up.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { askHidden, readFirstLine } from "../../adapters/cli/answer.js";

function terminal() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    modes: [] as boolean[],
    setRawMode(mode: boolean) {
      input.modes.push(mode);
    },
  });
  const output = new PassThrough();
  let shown = "";
  output.on("data", (c: Buffer) => {
    shown += c.toString("utf8");
  });
  return { input, output, shown: () => shown };
}

describe("askHidden", () => {
  it("reads up to Enter with echo off, applying Backspace and dropping a paste's escape codes", async () => {
    const t = terminal();
    const answer = askHidden("What the caller says: ", t.input, t.output);
    t.input.write("Quokka 73");
    t.input.write("x\u007f51");
    t.input.write("\u001b[200~ ok\u001b[201~\r");
    expect(await answer).toBe("Quokka 7351 ok");
    expect(t.input.modes).toEqual([true, false]);
    expect(t.shown()).toBe("What the caller says: \n");
  });

  it("gives up on Ctrl-C, and on Ctrl-D before anything was typed", async () => {
    const a = terminal();
    const cancelled = askHidden("? ", a.input, a.output);
    a.input.write("12\u0003");
    expect(await cancelled).toBeNull();
    const b = terminal();
    const ended = askHidden("? ", b.input, b.output);
    b.input.write("\u0004");
    expect(await ended).toBeNull();
    expect(b.input.modes).toEqual([true, false]);
  });
});

describe("readFirstLine", () => {
  it("takes the first line of a pipe, and null from an empty one", async () => {
    const pipe = new PassThrough();
    pipe.end("blue horse\nsecond line\n");
    expect(await readFirstLine(pipe)).toBe("blue horse");
    const empty = new PassThrough();
    empty.end("");
    expect(await readFirstLine(empty)).toBeNull();
  });
});
