import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/app/commands.js";

// Time budget: well under a second; parsing only.

describe("commands in comments", () => {
  it("reads merge, explain and recheck on a line of their own", () => {
    expect(parseCommand("/rolegate merge")).toEqual({ name: "merge", method: undefined });
    expect(parseCommand("Looks good.\n  /rolegate merge squash  \nThanks")).toEqual({ name: "merge", method: "squash" });
    expect(parseCommand("/rolegate explain")).toEqual({ name: "explain" });
    expect(parseCommand("please /rolegate merge")).toBeUndefined();
    expect(parseCommand("/rolegate merge now")).toBeUndefined();
  });

  it("reads break-glass at the start of a line, its reason the rest of the comment, trimmed", () => {
    expect(parseCommand("/rolegate break-glass  payments are down  ")).toEqual({ name: "break-glass", reason: "payments are down" });
    expect(parseCommand("Context.\r\n/rolegate break-glass payments are down:\r\nhotfix for INC-4711\n\n")).toEqual({
      name: "break-glass",
      reason: "payments are down:\nhotfix for INC-4711",
    });
    expect(parseCommand("/rolegate break-glass")).toEqual({ name: "break-glass", reason: "" });
    expect(parseCommand("/rolegate break-glassy reason")).toBeUndefined();
    expect(parseCommand("see /rolegate break-glass reason")).toBeUndefined();
  });

  it("takes the first command line of the comment", () => {
    expect(parseCommand("/rolegate recheck\n/rolegate break-glass reason")).toEqual({ name: "recheck" });
    expect(parseCommand("/rolegate break-glass reason\n/rolegate merge")).toEqual({ name: "break-glass", reason: "reason\n/rolegate merge" });
  });
});
