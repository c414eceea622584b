import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidDeployInputError } from "../../../functions/core/errors.js";
import { STATE_FIELDS, readDeployState } from "../../../functions/wiring/deploy-state.js";

const input = {
  app: "hello",
  env: "prod",
  release: { id: "v2" },
  group: { autoScalingGroupName: "hello-prod", targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/a/1"] },
};

describe("readDeployState", () => {
  it("knows every field the deploy definition writes into the state", () => {
    const definition = readFileSync(new URL("../../../statemachines/deploy.asl.json", import.meta.url), "utf8");
    const written = [...definition.matchAll(/"ResultPath": "\$\.(\w+)"/g)].map((match) => match[1]);
    // "Find the unfinished rollout" returns the whole state (no ResultPath), adding `recovery` beside plan, lock and failure.
    const wholeState = JSON.parse(definition).States["Find the unfinished rollout"].ResultPath === undefined ? ["recovery"] : [];
    expect(new Set([...written, ...wholeState])).toEqual(new Set(STATE_FIELDS));
  });

  it("reads the input beside the fields steps wrote", () => {
    const state = readDeployState({ ...input, execution: { name: "n", startedAt: "2026-01-01T00:00:00Z" }, lock: { holder: "n" } });
    expect(state.input.release?.id).toBe("v2");
    expect(state.execution?.name).toBe("n");
  });

  it("rejects an input key it does not know, naming the nearest known one", () => {
    expect(() => readDeployState({ ...input, dryrun: true })).toThrow(InvalidDeployInputError);
    expect(() => readDeployState({ ...input, dryrun: true })).toThrow('dryrun is not a known key: did you mean "dryRun"?');
  });
});
