// `itflow-contact check`: is ITFlow reachable, is the key valid, can it read contacts, may it write?
// Each answer is one line a new user can act on, without ever printing the key.
import type { ItflowClient } from "../../src/itflow/client.js";
import { ItflowError } from "../../src/itflow/errors.js";

export interface CheckLine {
  ok: boolean;
  text: string;
}

function explain(error: unknown, url: string): string {
  if (!(error instanceof ItflowError)) return `unexpected error: ${String(error)}`;
  switch (error.kind) {
    case "unreachable":
      return `${error.message} Check ITFLOW_URL (${url}) and that this machine can reach it.`;
    case "timeout":
      return `${error.message} ITFlow may be overloaded, or ITFLOW_URL points at something that never answers.`;
    case "auth":
      return "The API key is invalid or has expired. Create a key in ITFlow (Admin > API Keys) and put it in ITFLOW_API_KEY.";
    case "forbidden":
      return `${error.message} Give the key's ITFlow user a role with access to clients and contacts.`;
    default:
      return error.message;
  }
}

export async function runCheck(itflow: ItflowClient, url: string): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  let clients: Awaited<ReturnType<ItflowClient["listAllClients"]>>;
  try {
    clients = await itflow.listAllClients(500);
    lines.push({ ok: true, text: `ITFlow at ${url} answered and accepted the API key.` });
  } catch (error) {
    lines.push({ ok: false, text: explain(error, url) });
    return lines;
  }
  if (clients.length === 0) {
    lines.push({
      ok: false,
      text: "The key's ITFlow user can see no clients: give it access to the clients whose contacts the bot should show.",
    });
    return lines;
  }
  lines.push({
    ok: true,
    text: `The key can see ${clients.length} client${clients.length === 1 ? "" : "s"}.`,
  });
  try {
    const contacts = await itflow.listContacts({ limit: 1, offset: 0 });
    lines.push({
      ok: true,
      text: contacts.length ? "Contacts can be read." : "Contacts can be read (none exist yet).",
    });
  } catch (error) {
    lines.push({ ok: false, text: `Contacts cannot be read: ${explain(error, url)}` });
    return lines;
  }
  const first = clients[0];
  try {
    const access = first ? await itflow.probeWriteAccess(first.id) : "forbidden";
    lines.push(
      access === "allowed"
        ? { ok: true, text: "The key may create and update contacts (checked without writing anything)." }
        : {
            ok: false,
            text: "The key may only read: /contact new and edit will be refused. Give its ITFlow user a role that may edit clients.",
          },
    );
  } catch (error) {
    lines.push({ ok: false, text: `Could not tell whether the key may write: ${explain(error, url)}` });
  }
  return lines;
}
