// Reading what the bot sent: every text object in a message or view, by kind, so tests can check
// that contact data reached Slack escaped where Slack would read markup.

export interface TextObject {
  type: "mrkdwn" | "plain_text";
  text: string;
}

/** Every text object anywhere inside `json` (blocks, fields, elements, options, labels…). */
export function textObjects(json: unknown): TextObject[] {
  const found: TextObject[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    if ((record.type === "mrkdwn" || record.type === "plain_text") && typeof record.text === "string") {
      found.push({ type: record.type, text: record.text });
    }
    for (const value of Object.values(record)) walk(value);
  };
  walk(json);
  return found;
}

/** All text a person would read in `json`, joined, for "does it say X" checks. */
export function allText(json: unknown): string {
  return textObjects(json)
    .map((t) => t.text)
    .join("\n");
}

/** Every element of the given type (e.g. "button") anywhere inside `json`. */
export function elementsOfType(json: unknown, type: string): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    if (record.type === type) found.push(record);
    for (const value of Object.values(record)) walk(value);
  };
  walk(json);
  return found;
}
