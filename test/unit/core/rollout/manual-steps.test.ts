import { describe, expect, it } from "vitest";
import { manualStepsCause } from "../../../../functions/core/rollout/manual-steps.js";
import type { CaughtFailure } from "../../../../functions/core/rollout/rollback.js";
import { HOUR, T0, group, health, newInstances, oldInstances, rolloutPlan, view } from "../../fixtures.js";

const plan = rolloutPlan();
const rollbackFailure: CaughtFailure = {
  Error: "RollbackTimeoutError",
  Cause: JSON.stringify({
    errorType: "RollbackTimeoutError",
    errorMessage: "Rollback of v2 stuck bringing the old instances back after 1501 s (limit 1500 s)",
  }),
};
const original: CaughtFailure = {
  Error: "HealthGateFailedError",
  Cause: JSON.stringify({ errorType: "HealthGateFailedError", errorMessage: "instance i-new003 is unhealthy" }),
};

describe("manualStepsCause", () => {
  describe("after a failed rollback", () => {
    it("gives the exit-standby command with the group and the ids in Standby", () => {
      const members = [...oldInstances(8), ...oldInstances(2, { state: "Standby", from: 9 }), ...newInstances(4)];

      const cause = manualStepsCause(plan, view(group(members), health(members)), "rollback", rollbackFailure, original);

      expect(cause).toContain("aws autoscaling exit-standby --auto-scaling-group-name hello-prod-web --instance-ids i-old009 i-old010 (20 ids per call)");
    });

    it("gives the terminate command for every instance the deploy launched, and only those", () => {
      const members = [...oldInstances(10), ...newInstances(1, { prefix: "pre", launchedAt: T0 - HOUR }), ...newInstances(3)];

      const cause = manualStepsCause(plan, view(group(members), health(members)), "rollback", rollbackFailure, original);

      expect(cause).toContain(
        "then remove the instances on v2: aws autoscaling terminate-instance-in-auto-scaling-group --should-decrement-desired-capacity --instance-id <id> for i-new001 i-new002 i-new003",
      );
      expect(cause).not.toContain("i-pre001");
    });

    it("lists an instance launched in the second the deploy was planned in (EC2's LaunchTime has no milliseconds)", () => {
      const members = [...oldInstances(10), ...newInstances(1, { launchedAt: T0 })];

      const cause = manualStepsCause(rolloutPlan({ startedAt: T0 + 400 }), view(group(members), health(members)), "rollback", rollbackFailure, original);

      expect(cause).toContain("--should-decrement-desired-capacity --instance-id <id> for i-new001");
    });

    it("names the instances a cycle launched as such, not as those on its release (which all are)", () => {
      const cyclePlan = rolloutPlan({ release: "v1", previousRelease: "v1", cycle: { maxAge: "14d", replaceLaunchedBefore: T0 - HOUR } });
      const members = [...oldInstances(10, { launchedAt: T0 - 20 * HOUR }), ...newInstances(2, { release: "v1" })];

      const cause = manualStepsCause(cyclePlan, view(group(members), health(members), "v1"), "rollback", rollbackFailure, original);

      expect(cause).toContain(
        "then remove the instances this cycle launched: aws autoscaling terminate-instance-in-auto-scaling-group --should-decrement-desired-capacity --instance-id <id> for i-new001 i-new002",
      );
      expect(cause).not.toContain("the instances on v1");
    });

    it("lists ten ids and counts the rest", () => {
      const members = [...oldInstances(10), ...newInstances(14)];

      const cause = manualStepsCause(plan, view(group(members), health(members)), "rollback", rollbackFailure, original);

      expect(cause).toContain("for i-new001 i-new002 i-new003 i-new004 i-new005 i-new006 i-new007 i-new008 i-new009 i-new010 (and 4 more)");
      expect(cause).not.toContain("i-new011");
    });

    it("says what the release tag goes back to, MaxSize, and both failures", () => {
      const members = oldInstances(10);

      const cause = manualStepsCause(plan, view(group(members, { maxSize: 24 }), health(members)), "rollback", rollbackFailure, original);

      expect(cause).toContain("Rollback of v2 on hello-prod-web failed: RollbackTimeoutError: Rollback of v2 stuck bringing the old instances back");
      expect(cause).toContain("It was rolling back after HealthGateFailedError: instance i-new003 is unhealthy.");
      expect(cause).toContain("Scaling processes resumed (AZRebalance).");
      expect(cause).toContain("set the group tag gantry:release back to v1");
      expect(cause).toContain("set MaxSize back to 20");
    });

    it("says to delete the release tag when there was none before", () => {
      const members = oldInstances(10);

      const cause = manualStepsCause(rolloutPlan({ previousRelease: null }), view(group(members), health(members)), "rollback", rollbackFailure, original);

      expect(cause).toContain("set the group tag gantry:release back to (none: delete it)");
    });
  });

  describe("after a failed finish", () => {
    it("gives the terminate command for the old instances left in Standby, without decrementing", () => {
      const members = [...newInstances(10), ...oldInstances(3, { state: "Standby" })];

      const cause = manualStepsCause(plan, view(group(members), health(members)), "finish", rollbackFailure, undefined);

      expect(cause).toContain("v2 is serving on hello-prod-web, but finishing the rollout failed");
      expect(cause).toContain(
        "terminate the old instances left in Standby: aws autoscaling terminate-instance-in-auto-scaling-group --no-should-decrement-desired-capacity --instance-id <id> for i-old001 i-old002 i-old003",
      );
    });

    it("says nothing is left to do when the group is clean", () => {
      const members = newInstances(10);

      const cause = manualStepsCause(
        rolloutPlan({ suspend: [] }),
        view(group(members, { maxSize: 20 }), health(members)),
        "finish",
        rollbackFailure,
        undefined,
      );

      expect(cause).toContain("To finish by hand: nothing left to do.");
      expect(cause).not.toContain("Scaling processes resumed");
    });
  });
});
