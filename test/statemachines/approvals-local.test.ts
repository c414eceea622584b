import { describe, expect, it } from "vitest";
import { readLock } from "../../functions/aws/lock/deploy-lock.js";
import { readPendingApproval } from "../../functions/aws/operator/approvals.js";
import type { ExecutionEvent } from "../../functions/core/executions/execution-record.js";
import { createLocalFleet, runLocalDeploy } from "../../local/scenario.js";
import { fleetState, watchFleet } from "../../local/watch.js";
import { memoryRequests } from "./memory-requests.js";

const strategy = { batches: [1, "50%", "100%"], bakeSeconds: 60, pollSeconds: 15, approveAfter: [1], approvalTimeout: "2h" };

/** Answers the checkpoint `afterSeconds` (simulated) after the run first enters "Wait for approval". */
function answerAt(
  fleet: ReturnType<typeof createLocalFleet>,
  requests: ReturnType<typeof memoryRequests>,
  execution: string,
  kind: "approve" | "reject",
  reason?: string,
) {
  let asked = 0;
  const onEvent = (event: ExecutionEvent) => {
    if (event.kind !== "entered" || event.step.state !== "Wait for approval") return;
    asked += 1;
    // Filed once the step has had time to start waiting: it reads the store on its next poll.
    requests.file(execution.split("-")[0] as string, "prod", {
      kind,
      execution,
      by: "ana",
      at: fleet.clock.now(),
      checkpoint: 1,
      ...(reason ? { reason } : {}),
    });
  };
  return { onEvent, asked: () => asked };
}

describe("approval checkpoints (strategy.approveAfter), on the deploy definition run locally", () => {
  it("pauses after the canary's bake, keeps the checkpoint for gantry approve, and goes on once approved", async () => {
    const requests = memoryRequests();
    const fleet = createLocalFleet({ app: "approve", instances: 8, maxSize: 12, runtime: { operatorRequests: requests.store } });
    const name = "approve-prod-v2-approved";
    const answer = answerAt(fleet, requests, name, "approve");

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), { name, onEvent: answer.onEvent });

    expect(record.status).toBe("SUCCEEDED");
    expect(answer.asked()).toBe(1);
    const states = record.steps.map((step) => step.state);
    const waited = states.indexOf("Wait for approval");
    // After batch 1's "Check after bake", before batch 2's launch.
    expect(states.slice(0, waited).filter((state) => state === "Launch batch")).toHaveLength(1);
    expect(states[waited + 2]).toBe("Launch batch");
    const wait = record.steps[waited];
    expect((wait?.output as { approval?: { by?: string; approved?: boolean } }).approval).toMatchObject({ approved: true, by: "ana" });
    expect(fleetState(fleet).releases).toEqual(Array.from({ length: 8 }, () => "v2:InService"));
    const pending = await readPendingApproval("approve", "prod", name);
    expect(pending).toMatchObject({ execution: name, taskToken: "local-task-token", checkpoint: { batch: 1, of: 3, timeoutSeconds: 7200 }, release: "v2" });
  });

  it("rolls back when rejected, naming who rejected it and why", async () => {
    const requests = memoryRequests();
    const fleet = createLocalFleet({ app: "reject", instances: 8, maxSize: 12, runtime: { operatorRequests: requests.store } });
    const before = fleetState(fleet);
    const watch = watchFleet(fleet);
    const name = "reject-prod-v2-rejected";
    const answer = answerAt(fleet, requests, name, "reject", "error rate up on the canary");

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), {
      name,
      onEvent: (event) => {
        watch.onEvent(event);
        answer.onEvent(event);
      },
    });

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toMatch(
      /^Deploy of v2 to reject\/prod was rejected at its approval checkpoint after batch 1 of 3 and was rolled back to v1\. ApprovalRejectedError: Rejected by ana at .* after batch 1 of 3: error rate up on the canary\./,
    );
    expect(fleetState(fleet)).toEqual(before);
    expect(watch.minServing()).toBeGreaterThanOrEqual(8);
    expect((await readLock("reject", "prod", fleet.clock.now()))?.holder).toBeUndefined();
  });

  it("rolls back when nobody answers within approvalTimeout", async () => {
    const fleet = createLocalFleet({ app: "noanswer", instances: 8, maxSize: 12 });
    const before = fleetState(fleet);
    const name = "noanswer-prod-v2-timed-out";
    let askedAt = 0;
    let rollbackAt = 0;
    const onEvent = (event: ExecutionEvent) => {
      if (event.kind === "entered" && event.step.state === "Wait for approval") askedAt = fleet.clock.now();
      if (event.kind === "entered" && event.step.state === "Roll back" && rollbackAt === 0) rollbackAt = fleet.clock.now();
    };

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }), { name, onEvent });

    expect(record.error).toBe("DeployRolledBack");
    expect(record.cause).toContain(
      "got no answer at its approval checkpoint after batch 1 of 3 and was rolled back to v1. ApprovalTimeoutError: No answer at the approval checkpoint after batch 1 of 3 within 2h (strategy.approvalTimeout).",
    );
    expect((rollbackAt - askedAt) / 1000).toBeGreaterThanOrEqual(7200);
    expect((rollbackAt - askedAt) / 1000).toBeLessThan(7200 + 60);
    expect(fleetState(fleet)).toEqual(before);
  });
});
