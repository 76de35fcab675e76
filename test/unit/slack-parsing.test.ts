// Reading what people type and who is asking: the /contact text, the emails and numbers in a
// message, and the workspace boundary.
import { describe, expect, it } from "vitest";
import { parseCommandText } from "../../adapters/slack/listeners/command.js";
import { lookupsIn, MAX_LOOKUPS, visibleText } from "../../adapters/slack/message-lookup.js";
import { boundaryFrom, identityOf, WorkspaceBoundary } from "../../adapters/slack/workspaces.js";

describe("/contact text", () => {
  it.each([
    ["", { kind: "help" }],
    ["help", { kind: "help" }],
    ["HELP", { kind: "help" }],
    ["find (555) 123-4567", { kind: "find", query: "(555) 123-4567" }],
    ["Find  sally@itflow.org ", { kind: "find", query: "sally@itflow.org" }],
    ["find", { kind: "find", query: "" }],
    ["new", { kind: "new", client: "" }],
    ["new Initech & Partners", { kind: "new", client: "Initech & Partners" }],
    ["edit #42", { kind: "edit", query: "#42" }],
    ["sally", { kind: "find", query: "sally" }],
    ["+44 20 7946 0958", { kind: "find", query: "+44 20 7946 0958" }],
    ["finder", { kind: "find", query: "finder" }],
  ])("%j", (text, parsed) => {
    expect(parseCommandText(text)).toEqual(parsed);
  });
});

describe("emails and numbers in a message", () => {
  it("reads Slack's link markup as the text people see", () => {
    expect(
      visibleText("mail <mailto:a@b.example|a@b.example> or <tel:+15551234567|(555) 123-4567> &amp; more"),
    ).toBe("mail  a@b.example  or  (555) 123-4567  & more");
  });

  it("finds every distinct email and phone number, in order, not digits inside addresses", () => {
    const text =
      "Call <tel:5551234567|(555) 123-4567> or +44 7700 900123; mail tom2024@x.example, TOM2024@X.example; ticket 12345, on 2024-01-15";
    expect(lookupsIn(text, "US")).toEqual(["(555) 123-4567", "+44 7700 900123", "tom2024@x.example"]);
  });

  it("the same number written two ways is looked up once", () => {
    expect(lookupsIn("555-123-4567 and (555) 123 4567", "US")).toEqual(["555-123-4567"]);
  });

  it("caps what one message can trigger", () => {
    expect(MAX_LOOKUPS).toBe(5);
  });
});

describe("workspace boundary", () => {
  const home = new WorkspaceBoundary(["T0HOME"]);

  it("a command from the home workspace passes; from elsewhere it does not", () => {
    const mine = identityOf({ user_id: "U1", team_id: "T0HOME" });
    const theirs = identityOf({ user_id: "U2", team_id: "T0OTHER" });
    expect(mine && home.allows(mine)).toBe(true);
    expect(theirs && home.allows(theirs)).toBe(false);
  });

  it("an external user in a Slack Connect channel is refused although the click happened at home", () => {
    const external = identityOf({
      type: "block_actions",
      user: { id: "U9", team_id: "T0PARTNER" },
      team: { id: "T0HOME" },
    });
    expect(external?.teamIds).toEqual(["T0HOME", "T0PARTNER"]);
    expect(external && home.allows(external)).toBe(false);
  });

  it("an Enterprise Grid org id admits every workspace of that org", () => {
    const org = new WorkspaceBoundary(["E0ORG"]);
    const member = identityOf({ user_id: "U1", team_id: "T0ANY", enterprise_id: "E0ORG" });
    const outsider = identityOf({ user_id: "U1", team_id: "T0ANY", enterprise_id: "" });
    expect(member && org.allows(member)).toBe(true);
    expect(outsider && org.allows(outsider)).toBe(false);
  });

  it("a body that names nobody is not let through", () => {
    expect(identityOf({ foo: 1 })).toBeNull();
  });

  it("defaults to the token's workspace (or org for an org-wide install); configuration wins", () => {
    expect(boundaryFrom([], { team_id: "T0HOME" }).describe()).toEqual(["T0HOME"]);
    expect(
      boundaryFrom([], { team_id: "T0A", enterprise_id: "E0B", is_enterprise_install: true }).describe(),
    ).toEqual(["E0B"]);
    expect(boundaryFrom(["T0X"], { team_id: "T0HOME" }).describe()).toEqual(["T0X"]);
    expect(() => boundaryFrom([], {})).toThrow(/SLACK_TEAM_IDS/);
  });
});
