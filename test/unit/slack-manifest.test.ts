// The app manifests a new user pastes into Slack must match what the code listens for, and ask for
// no more than it needs.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CALLBACK, COMMAND } from "../../adapters/slack/ids.js";

interface Manifest {
  features: {
    bot_user: { display_name: string };
    slash_commands: Array<{ command: string; url?: string; should_escape: boolean }>;
    shortcuts: Array<{ name: string; type: string; callback_id: string; description: string }>;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url?: string }; socket_mode_enabled: boolean };
}

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../adapters/slack/${name}`, import.meta.url), "utf8")) as Manifest;

describe.each([
  ["manifest.json", true],
  ["manifest.http.json", false],
])("%s", (file, socket) => {
  const manifest = load(file);

  it("declares /contact and the two shortcuts with the callback ids the listeners use", () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([COMMAND]);
    expect(manifest.features.shortcuts.map((s) => [s.name, s.type, s.callback_id])).toEqual([
      ["Look up contact", "message", CALLBACK.lookupShortcut],
      ["New contact", "global", CALLBACK.newShortcut],
    ]);
    for (const s of manifest.features.shortcuts) expect(s.description.length).toBeLessThanOrEqual(150);
  });

  it("asks for the scopes the bot needs: commands, and chat:write for call pops and the verification audit channel", () => {
    // Answers to technicians go through response_urls and modals, which need no scope; the bot
    // posts only a call pop or an audit line.
    expect(manifest.oauth_config.scopes.bot).toEqual(["commands", "chat:write"]);
  });

  it("matches its transport", () => {
    expect(manifest.settings.socket_mode_enabled).toBe(socket);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    const urls = [manifest.features.slash_commands[0]?.url, manifest.settings.interactivity.request_url];
    for (const url of urls) {
      if (socket) expect(url).toBeUndefined();
      else expect(url).toMatch(/^https:\/\/.+\/slack\/events$/);
    }
  });
});
