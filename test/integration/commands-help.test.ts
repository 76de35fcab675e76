// `help`: the usages a technician types, under whatever prefix the platform uses.
import { describe, expect, it } from "vitest";
import { help } from "../../commands/help.js";

describe("help", () => {
  it("lists find, the bare query, new, edit, verify and help under /contact", () => {
    const view = help();
    expect(view.kind).toBe("help");
    expect(view.lines.map((l) => l.usage)).toEqual([
      "/contact find <email | phone | name | #id>",
      "/contact <query>",
      "/contact new [client name]",
      "/contact edit <query>",
      "/contact verify <query>",
      "/contact help",
    ]);
    for (const line of view.lines) expect(line.description.trim()).not.toBe("");
    expect(view.lines[0]?.description).toContain("(555) 123-4567");
  });

  it("uses the prefix it is given", () => {
    expect(help("!contact").lines.map((l) => l.usage.split(" ")[0])).toEqual(Array(6).fill("!contact"));
  });
});
