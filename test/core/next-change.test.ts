import { describe, expect, it } from "vitest";
import { nextVerdictChange } from "../../src/core/next-change.js";
import { policyOf } from "../helpers/policy.js";

// Time budget: well under a second. When a verdict can change by the clock alone.

const windowed = (time: string) => `version: 1
categories:
  pipeline: { paths: [".github/workflows/**"] }
roles:
  ops:
    members: [olga]
    grants: { approve: [{ category: pipeline, when: { time: ${time} } }] }
require:
  - { categories: [pipeline] }
`;

describe("nextVerdictChange", () => {
  it("is the next edge of a time window, in its time zone", () => {
    const p = policyOf(windowed('{ days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00", timezone: Europe/Berlin }'), new Date("2026-12-07T00:00:00Z"));
    // Monday 07:30 UTC is 08:30 in Berlin (UTC+1 in December): the window opens at 08:00 UTC.
    expect(nextVerdictChange(p, new Date("2026-12-07T07:30:00Z"))?.toISOString()).toBe("2026-12-07T08:00:00.000Z");
    // Inside it, the next change is its close at 17:00 Berlin.
    expect(nextVerdictChange(p, new Date("2026-12-07T12:00:00Z"))?.toISOString()).toBe("2026-12-07T16:00:00.000Z");
    // Friday evening: the next edge is midnight into Saturday (the weekday set changes), then Monday.
    expect(nextVerdictChange(p, new Date("2026-12-11T18:00:00Z"))?.toISOString()).toBe("2026-12-11T23:00:00.000Z");
  });

  it("follows summer time", () => {
    const p = policyOf(windowed('{ from: "09:00", to: "17:00", timezone: Europe/Berlin }'), new Date("2026-07-01T00:00:00Z"));
    expect(nextVerdictChange(p, new Date("2026-07-01T05:00:00Z"))?.toISOString()).toBe("2026-07-01T07:00:00.000Z");
  });

  it("is the day after a membership's last day, and nothing when nothing depends on time", () => {
    const expiring = policyOf(
      "version: 1\nroles:\n  ops:\n    members: [{ user: carol, expires: 2027-01-31 }, olga]\n    grants: { approve: ['*'] }\n",
      new Date("2026-12-01T00:00:00Z"),
    );
    expect(nextVerdictChange(expiring, new Date("2026-12-06T10:00:00Z"))?.toISOString()).toBe("2027-02-01T00:00:00.000Z");
    expect(nextVerdictChange(expiring, new Date("2027-03-01T00:00:00Z"))).toBeUndefined();
    expect(nextVerdictChange(policyOf("version: 1\nroles:\n  ops: { members: [olga] }\n"), new Date())).toBeUndefined();
  });
});
