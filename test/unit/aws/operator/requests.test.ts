import { describe, expect, it } from "vitest";
import { putOperatorRequest, readOperatorRequest } from "../../../../functions/aws/operator/requests.js";
import { useLocalDynamo } from "../local-dynamo.js";

useLocalDynamo();

describe("operator requests in the gantry table", () => {
  it("keeps the newest request per execution, apart from other executions and app/envs", async () => {
    await putOperatorRequest("shop", "prod", { kind: "approve", execution: "run-1", by: "ana", at: 1, checkpoint: 1 });
    await putOperatorRequest("shop", "prod", { kind: "reject", execution: "run-1", by: "ben", at: 2, reason: "p99 up", checkpoint: 1 });
    await putOperatorRequest("shop", "prod", { kind: "abort", execution: "run-2", by: "ana", at: 3 });

    expect(await readOperatorRequest("shop", "prod", "run-1")).toEqual({
      kind: "reject",
      execution: "run-1",
      by: "ben",
      at: 2,
      reason: "p99 up",
      checkpoint: 1,
    });
    expect(await readOperatorRequest("shop", "staging", "run-1")).toBeUndefined();
    expect(await readOperatorRequest("shop", "prod", "run-2")).toMatchObject({ kind: "abort", by: "ana" });
  });
});
