import { afterAll, beforeAll } from "vitest";
import { provideRuntime } from "../../../functions/aws/runtime.js";
import { startLocalDynamo, type LocalDynamo } from "../../../local/dynamo/index.js";
import { createLocalRuntime } from "../../../local/runtime.js";

/** For a test file: dynalite answers gantry's DynamoDB calls, through local mode's runtime, from the first test to the last. */
export function useLocalDynamo(): void {
  let dynamo: LocalDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    provideRuntime(createLocalRuntime());
  });
  afterAll(async () => {
    await dynamo?.close();
  });
}
