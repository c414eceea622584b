import { describe, expect, it } from "vitest";
import { InPlaceNotPossibleError, InvalidDeployInputError } from "../../../../functions/core/errors.js";
import {
  chooseInPlaceBatch,
  commandChunks,
  commandFailureCause,
  everyTargetGroup,
  homeTargetGroups,
  inNoTargetGroup,
  maskOf,
  membershipsOf,
  missingFrom,
  notRegistered,
  outputTail,
  sortResults,
  stillDraining,
  wasDelivered,
} from "../../../../functions/core/rollout/in-place.js";
import { describeCriticalPath, inPlaceCriticalPath } from "../../../../functions/core/rollout/critical-path.js";
import { planRollout } from "../../../../functions/core/rollout/plan.js";
import { T0, TG_API, TG_WEB, deployInput, group, health, ids, newInstances, oldInstances, strategy, timing, view } from "../../fixtures.js";

const inPlace = (overrides: Parameters<typeof strategy>[0] = {}) =>
  deployInput({ strategy: { ...strategy({ mode: "in-place", minHealthyPercent: 75, ...overrides }) } });

describe("planRollout in place", () => {
  it("plans batches within the floor and needs no MaxSize headroom", () => {
    const members = oldInstances(8);
    const observed = group(members, { maxSize: 8 });

    const plan = planRollout(inPlace({ batches: ["25%"] }), observed, health(members), [timing()], T0);

    expect(plan).toMatchObject({ mode: "in-place", batchSizes: [2, 2, 2, 2], floor: 6, previousRelease: "v1" });
  });

  it("refuses a batch larger than desired capacity less the floor, naming the numbers and the largest that fits", () => {
    const members = oldInstances(8);

    const refused = () => planRollout(inPlace({ batches: ["50%"] }), group(members), health(members), [timing()], T0);

    expect(refused).toThrow(InPlaceNotPossibleError);
    expect(refused).toThrow(
      /desired 8 and a floor of 6 \(minHealthyPercent 75\).*batches of at most 2 fit, but the largest batch is 4; use smaller batches or lower minHealthyPercent to at most 50/,
    );
  });

  it("refuses when minHealthyPercent 100 leaves no room for any batch", () => {
    const members = oldInstances(4);

    expect(() => planRollout(inPlace({ minHealthyPercent: 100, batches: [1] }), group(members), health(members), [timing()], T0)).toThrow(
      /so no batch at all fit, but the largest batch is 1; use smaller batches or lower minHealthyPercent to at most 75/,
    );
  });

  it("refuses a group running mixed releases, with the count on each", () => {
    const members = [...oldInstances(6), ...oldInstances(2, { prefix: "odd", release: "v0" })];

    expect(() => planRollout(inPlace(), group(members), health(members), [timing()], T0)).toThrow(
      /runs mixed releases \(6 on v1, 2 on v0; the group's tag is v1\)/,
    );
  });

  it("refuses a group half on the new release: an earlier deploy did not finish", () => {
    const members = [...oldInstances(6), ...newInstances(2)];

    expect(() => planRollout(inPlace(), group(members), health(members), [timing()], T0)).toThrow(/mixed releases \(6 on v1, 2 on v2/);
  });

  it("refuses a group without a release tag to go back to", () => {
    const members = oldInstances(4);

    expect(() => planRollout(inPlace(), group(members, { tags: {} }), health(members), [timing()], T0)).toThrow(
      /has no gantry:release tag.*strategy.mode "replace"/,
    );
  });

  it("does not take a new image: an in-place deploy keeps each instance", () => {
    expect(() => deployInput({ release: { id: "v2", imageId: "ami-0abc1234" }, strategy: { ...strategy({ mode: "in-place" }) } })).toThrow(
      InvalidDeployInputError,
    );
  });
});

describe("chooseInPlaceBatch", () => {
  it("takes instances not yet on the release, spread over the zones", () => {
    const members = oldInstances(6);
    const fleet = view(group(members), health(members));

    const choice = chooseInPlaceBatch(fleet, 3, 3);

    expect("instances" in choice && choice.instances.map((instance) => instance.availabilityZone).sort()).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
  });

  it("takes fewer when the floor would be broken, unhealthy ones first, and waits when none can go", () => {
    const members = oldInstances(4);
    const targets = [...health(members.slice(0, 3)), ...health(members.slice(3), "unhealthy")];
    const fleet = view(group(members), targets);

    const choice = chooseInPlaceBatch(fleet, 3, 2);

    expect("instances" in choice && ids(choice.instances)).toEqual(["i-old004", "i-old001"]);
    const none = chooseInPlaceBatch(view(group(members), health(members)), 1, 4);
    expect(none).toEqual({ waitReason: expect.stringContaining("4 instance(s) serving, the floor is 4") });
  });
});

describe("target registration", () => {
  it("tells draining, missing and registered targets apart per target group", () => {
    const members = oldInstances(3);
    const targets = [
      { targetGroupArn: TG_WEB, instanceId: "i-old001", state: "draining" },
      { targetGroupArn: TG_WEB, instanceId: "i-old002", state: "initial" },
      { targetGroupArn: TG_API, instanceId: "i-old002", state: "unused" },
      ...health(members.slice(2), "healthy", [TG_WEB, TG_API]),
    ];
    const fleet = view(group(members), targets);
    const all = ids(members);

    expect(stillDraining(fleet, all)).toEqual(["i-old001"]);
    expect(notRegistered(fleet, all, everyTargetGroup([TG_WEB, TG_API]))).toEqual(["i-old001", "i-old002"]);
    expect(missingFrom(fleet, all, everyTargetGroup([TG_WEB, TG_API]))).toEqual(
      new Map([
        [TG_WEB, ["i-old001"]],
        [TG_API, ["i-old001", "i-old002"]],
      ]),
    );
  });

  it("sends an instance back only to the target groups it left, kept as a mask per instance", () => {
    const members = oldInstances(3);
    const targets = [
      ...health(members.slice(0, 1), "healthy", [TG_WEB]),
      ...health(members.slice(1, 2), "healthy", [TG_API]),
      ...health(members.slice(2), "healthy", [TG_WEB, TG_API]),
    ];
    const fleet = view(group(members), targets);
    const batch = { instanceIds: ids(members), memberships: membershipsOf(fleet, ids(members), [TG_WEB, TG_API]) };

    expect(batch.memberships).toEqual([1, 2, 3]);
    expect(ids(members).map((id) => homeTargetGroups(batch, id, [TG_WEB, TG_API]))).toEqual([[TG_WEB], [TG_API], [TG_WEB, TG_API]]);
    expect(homeTargetGroups({ instanceIds: [] }, "i-unknown", [TG_WEB, TG_API])).toEqual([TG_WEB, TG_API]);
    expect(maskOf([TG_API], [TG_WEB, TG_API])).toBe(2);
    expect(inNoTargetGroup(view(group(members), health(members.slice(1))), ids(members), [TG_WEB])).toEqual(["i-old001"]);
  });
});

describe("Run Command results", () => {
  it("chunks at 50 instances, SendCommand's limit", () => {
    expect(commandChunks(Array.from({ length: 120 }, (_, index) => `i-${index}`)).map((chunk) => chunk.length)).toEqual([50, 50, 20]);
  });

  it("sorts results and keeps the last ten lines of output, stdout then stderr", () => {
    const sorted = sortResults([
      { instanceId: "a", status: "Success" },
      { instanceId: "b", status: "Failed" },
      { instanceId: "c", status: "InProgress" },
      { instanceId: "d", status: "TimedOut", details: "DeliveryTimedOut" },
    ]);

    expect([sorted.succeeded, sorted.failed, sorted.running].map((list) => list.map((result) => result.instanceId))).toEqual([["a"], ["b", "d"], ["c"]]);
    const stdout = Array.from({ length: 12 }, (_, index) => `line ${index + 1}`).join("\n");
    expect(outputTail(stdout, "boom\n")).toEqual(["line 4", "line 5", "line 6", "line 7", "line 8", "line 9", "line 10", "line 11", "line 12", "boom"]);
    expect(wasDelivered({ instanceId: "d", status: "TimedOut", details: "DeliveryTimedOut" })).toBe(false);
  });

  it("names each failed instance with its status, exit code, output and what to do", () => {
    const cause = commandFailureCause("Batch 2 of 4", "0123456789ab", "/usr/local/bin/gantry-deploy", [
      {
        instanceId: "i-1",
        status: "Failed",
        details: "Failed",
        exitCode: 3,
        outputTail: ["gantry-deploy: /health answered 503", "gantry-deploy: switched back"],
      },
      { instanceId: "i-2", status: "Failed", details: "Undeliverable", exitCode: -1 },
    ]);

    expect(cause).toBe(
      'Batch 2 of 4: "/usr/local/bin/gantry-deploy 0123456789ab" failed on 2 instance(s). ' +
        "i-1: Failed, exit code 3; output ends: gantry-deploy: /health answered 503 | gantry-deploy: switched back. See the output; run the command on the instance by hand to reproduce. " +
        "i-2: Failed (Undeliverable). Run Command could not reach the instance: check that the SSM agent runs and that the instance profile allows it (AmazonSSMManagedInstanceCore).",
    );
  });
});

describe("inPlaceCriticalPath", () => {
  it("puts 10 instances in 3 batches with tuned checks under five minutes, and says so in the dry run's words", () => {
    const tuned = strategy({
      mode: "in-place",
      pollSeconds: 5,
      bakeSeconds: 20,
      inPlace: { command: "/usr/local/bin/gantry-deploy", timeoutSeconds: 600, expectedSeconds: 15 },
    });
    const path = inPlaceCriticalPath({ batchCount: 3, drainSeconds: 10, healthyAfterSeconds: 10 }, tuned);

    expect(path).toEqual({
      perBatch: { drain: 10, command: 15, healthy: 10, bake: 20 },
      batches: 3,
      totalSeconds: 165,
      assumedCommandSeconds: 15,
      fitsFiveMinutes: true,
    });
    expect(describeCriticalPath(path)).toBe(
      "critical path 3 × (drain 10 + command 15 + healthy 10 + bake 20) = 165 s, under 5 minutes (command assumed 15 s: strategy.inPlace.expectedSeconds)",
    );
  });

  it("rounds the command and the health checks up to the poll, and says when five minutes are passed", () => {
    const path = inPlaceCriticalPath({ batchCount: 4, drainSeconds: 300, healthyAfterSeconds: 20 }, strategy({ mode: "in-place", pollSeconds: 15 }));

    expect(path.perBatch).toEqual({ drain: 300, command: 30, healthy: 30, bake: 60 });
    expect(path.fitsFiveMinutes).toBe(false);
  });

  it("is part of a dry run's plan in place, and of no other", () => {
    const members = oldInstances(10);
    const dry = (mode: "in-place" | "replace") =>
      planRollout(
        deployInput({ dryRun: true, strategy: { ...strategy({ mode, minHealthyPercent: 60, batches: [4, 7, 10] }) } }),
        group(members),
        health(members),
        [timing()],
        T0,
      );

    expect(dry("in-place").criticalPath?.batches).toBe(3);
    expect(dry("replace").criticalPath).toBeUndefined();
  });
});
