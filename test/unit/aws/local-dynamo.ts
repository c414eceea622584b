import { afterAll, beforeAll } from "vitest";
import { startLocalDynamo, type LocalDynamo } from "../../../local/dynamo/index.js";

/** For a test file: dynalite answers gantry's DynamoDB calls from the first test to the last. */
export function useLocalDynamo(): void {
  let dynamo: LocalDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => {
    await dynamo?.close();
  });
}
