import { describe, expect, it } from "vitest";
import type { ObservedInstance } from "../../../../functions/core/fleet.js";
import { chooseRetirees } from "../../../../functions/core/rollout/retirees.js";
import { HOUR, T0, ids, oldInstances } from "../../fixtures.js";

const allServing = () => true;

function countByZone(members: readonly ObservedInstance[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const instance of members) counts[instance.availabilityZone] = (counts[instance.availabilityZone] ?? 0) + 1;
  return counts;
}

describe("chooseRetirees", () => {
  it("takes evenly from zones that are even", () => {
    const candidates = oldInstances(12);

    const chosen = chooseRetirees(candidates, 6, allServing);

    expect(countByZone(chosen)).toEqual({ "eu-west-1a": 2, "eu-west-1b": 2, "eu-west-1c": 2 });
  });

  it("takes from the fullest zone first, so the zones that remain are even", () => {
    const candidates = [
      ...oldInstances(6, { zones: ["eu-west-1a"] }),
      ...oldInstances(3, { zones: ["eu-west-1b"], from: 7 }),
      ...oldInstances(3, { zones: ["eu-west-1c"], from: 10 }),
    ];

    const chosen = chooseRetirees(candidates, 3, allServing);

    expect(countByZone(chosen)).toEqual({ "eu-west-1a": 3 });
    const left = candidates.filter((instance) => !chosen.includes(instance));
    expect(countByZone(left)).toEqual({ "eu-west-1a": 3, "eu-west-1b": 3, "eu-west-1c": 3 });
  });

  it("takes instances that are not serving before serving ones", () => {
    const candidates = oldInstances(6);
    const broken = new Set(["i-old004", "i-old005"]);

    const chosen = chooseRetirees(candidates, 2, (instance) => !broken.has(instance.id));

    expect(ids(chosen).sort()).toEqual(["i-old004", "i-old005"]);
  });

  it("takes the oldest instance of a zone first", () => {
    const candidates = [
      ...oldInstances(1, { zones: ["eu-west-1a"], launchedAt: T0 - 2 * HOUR }),
      ...oldInstances(1, { zones: ["eu-west-1a"], launchedAt: T0 - 48 * HOUR, from: 2 }),
      ...oldInstances(1, { zones: ["eu-west-1a"], launchedAt: T0 - 5 * HOUR, from: 3 }),
    ];

    const chosen = chooseRetirees(candidates, 2, allServing);

    expect(ids(chosen)).toEqual(["i-old002", "i-old003"]);
  });

  it("never takes more than asked", () => {
    const chosen = chooseRetirees(oldInstances(10), 4, allServing);

    expect(chosen).toHaveLength(4);
  });

  it("never takes more than there are, nor the same instance twice", () => {
    const candidates = oldInstances(3);

    const chosen = chooseRetirees(candidates, 10, allServing);

    expect(ids(chosen).sort()).toEqual(["i-old001", "i-old002", "i-old003"]);
  });

  it("takes nothing when asked for none or given none", () => {
    expect(chooseRetirees(oldInstances(5), 0, allServing)).toEqual([]);
    expect(chooseRetirees([], 3, allServing)).toEqual([]);
  });
});
