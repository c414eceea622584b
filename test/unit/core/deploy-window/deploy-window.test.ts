import { describe, expect, it } from "vitest";
import { deployWindowSchema, type DeployWindowInput } from "../../../../functions/core/deploy-window/deploy-window-config.js";
import { nextDeployWindowOpening } from "../../../../functions/core/deploy-window/deploy-window.js";
import { checkDeployWindow, passDeployWindow } from "../../../../functions/core/deploy-window/deploy-window-check.js";

const windowOf = (input: DeployWindowInput) => deployWindowSchema.parse(input);

describe("nextDeployWindowOpening", () => {
  it("is open inside the hours of a work day", () => {
    const window = windowOf({ timezone: "Europe/Berlin", hours: { from: "09:00", to: "17:00" } });

    expect(nextDeployWindowOpening(window, new Date("2026-12-07T10:00:00Z"))).toEqual({ open: true });
  });

  it("opens at 09:00 local on the spring-forward day, an hour earlier in UTC than the day before", () => {
    const window = windowOf({ timezone: "Europe/Berlin", workWeek: ["SAT", "SUN", "MON"], hours: { from: "09:00", to: "17:00" } });

    const sunday = nextDeployWindowOpening(window, new Date("2026-03-29T06:00:00Z"));

    expect(sunday).toMatchObject({ open: false, opensAtLocal: "2026-03-29T09:00+02:00", reason: "outside SUN,MON,SAT 09:00–17:00 Europe/Berlin" });
    expect(sunday.open ? undefined : sunday.opensAt.toISOString()).toBe("2026-03-29T07:00:00.000Z");
  });

  it("skips a freeze and names it, on a Friday-Sunday week far east of UTC", () => {
    const window = windowOf({
      timezone: "Pacific/Auckland",
      workWeek: ["FRI", "SAT", "SUN"],
      hours: { from: "08:00", to: "12:00" },
      freezes: [{ from: "2026-12-25", to: "2026-12-27", reason: "Christmas" }],
    });

    // Friday 25 December 10:00 in Auckland (+13:00): inside the hours, but frozen.
    const opening = nextDeployWindowOpening(window, new Date("2026-12-24T21:00:00Z"));

    expect(opening).toMatchObject({ open: false, opensAtLocal: "2027-01-01T08:00+13:00", reason: "freeze: Christmas 2026-12-25..2026-12-27" });
  });

  it("passes over holidays and says so after why it is closed now", () => {
    const window = windowOf({ timezone: "America/New_York", hours: { from: "09:00", to: "17:00" }, holidays: ["2026-11-26", "2026-11-27"] });

    const opening = nextDeployWindowOpening(window, new Date("2026-11-25T23:00:00Z"));

    expect(opening).toMatchObject({
      open: false,
      opensAtLocal: "2026-11-30T09:00-05:00",
      reason: "outside MON-FRI 09:00–17:00 America/New_York; then holiday 2026-11-26; holiday 2026-11-27",
    });
  });

  it("rejects a window whose hours end before they start, naming the path and value", () => {
    const result = deployWindowSchema.safeParse({ timezone: "Europe/Berlin", hours: { from: "17:00", to: "09:00" } });

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ["hours", "to"],
      message: "is not after from (17:00): a deploy window opens and closes on the same day",
    });
  });
});

describe("passDeployWindow", () => {
  const closed = checkDeployWindow(
    windowOf({ timezone: "Europe/Berlin", hours: { from: "09:00", to: "17:00" }, outside: "refuse" }),
    new Date("2026-12-07T07:00:00Z"),
    new Date("2026-12-07T07:00:00Z"),
  );

  it("keeps a closed window closed for a push", () => {
    expect(passDeployWindow(closed, { ignoreWindow: false, trigger: { source: "github", actor: "ada" } })).toBe(closed);
    expect(closed.action).toBe("refuse");
  });

  it("turns a refusal into a go for --ignore-window, naming who passed it", () => {
    expect(passDeployWindow(closed, { ignoreWindow: true, trigger: { source: "cli", actor: "ada" } })).toEqual({
      action: "go",
      reason: "outside MON-FRI 09:00–17:00 Europe/Berlin",
      summary: "outside the deploy window (outside MON-FRI 09:00–17:00 Europe/Berlin; it opens 2026-12-07T09:00+01:00), deploying now: --ignore-window by ada",
    });
  });

  it("lets a rollback through without the flag, and leaves an open window as it is", () => {
    expect(passDeployWindow(closed, { ignoreWindow: false, trigger: { source: "rollback" } }).summary).toMatch(
      /deploying now: a rollback does not wait for the window$/,
    );
    const open = { action: "go" as const, summary: "deploy window open (MON-FRI 09:00–17:00 Europe/Berlin)" };
    expect(passDeployWindow(open, { ignoreWindow: true })).toBe(open);
  });
});
