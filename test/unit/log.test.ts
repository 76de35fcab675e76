import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, registerSecret, scrubSecrets } from "../../src/log.js";

describe("logger", () => {
  it("scrubs registered secrets wherever they hide, and redacts pin and key fields", () => {
    registerSecret("s3cr3t-key-value-99");
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: "trace", destination });
    logger.info(
      { url: "https://x/api?api_key=s3cr3t-key-value-99", contact_pin: "1234", nested: { api_key: "k" } },
      "GET failed",
    );
    logger.error(new Error("boom at https://x/?api_key=s3cr3t-key-value-99"));
    const out = lines.join("");
    expect(out).not.toContain("s3cr3t-key-value-99");
    expect(out).not.toContain("1234");
    expect(out).toContain("[redacted]");
    expect(scrubSecrets("a s3cr3t-key-value-99 b")).toBe("a [redacted] b");
  });
});
