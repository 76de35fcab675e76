// One pino logger for the whole bot. Secrets registered here are scrubbed from every line, whatever
// field they hide in (an error message, a URL in a stack, a nested object), as a last line of defence
// behind the rule that secrets are never put into log calls in the first place.
import { type Logger, pino } from "pino";

export type { Logger } from "pino";

const secrets = new Set<string>();

/** Register a value (an API key, a token) that must never appear in a log line. */
export function registerSecret(value: string | undefined): void {
  const trimmed = value?.trim();
  // Very short values would scrub innocent text; real keys and tokens are long.
  if (trimmed && trimmed.length >= 8) {
    secrets.add(trimmed);
    secrets.add(encodeURIComponent(trimmed));
  }
}

/** Replace every registered secret in a string with a fixed marker. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join("[redacted]");
  }
  return out;
}

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stderr so stdout stays clean for command output (e.g. --json). */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const scrubbing = {
    write(line: string) {
      destination.write(scrubSecrets(line));
    },
  };
  return pino(
    {
      level: options.level ?? "info",
      base: undefined,
      redact: {
        paths: [
          "api_key",
          "apiKey",
          "*.api_key",
          "*.apiKey",
          "token",
          "*.token",
          "contact_pin",
          "*.contact_pin",
        ],
        censor: "[redacted]",
      },
    },
    scrubbing,
  );
}

/** A logger that drops everything, for tests and one-shot commands that do not want logs. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
