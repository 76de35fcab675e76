// Any connection to a non-loopback address fails loudly, so a forgotten URL override in a test
// cannot reach slack.com, discord.com or a real ITFlow.
import net from "node:net";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;
const original = net.Socket.prototype.connect;

function targetOf(args: unknown[]): string | undefined {
  const first = args[0];
  if (Array.isArray(first)) return targetOf(first);
  if (typeof first === "object" && first !== null) {
    const opts = first as { host?: unknown; path?: unknown };
    if (typeof opts.path === "string") return undefined; // unix socket
    return typeof opts.host === "string" ? opts.host : "localhost";
  }
  if (typeof first === "number") return typeof args[1] === "string" ? args[1] : "localhost";
  return undefined;
}

net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const host = targetOf(args);
  if (host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`test tried to reach the network (${host}); point it at a local fake`);
  }
  return (original as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
