// Counts what one deploy costs on AWS, from a local run of the real definition and handlers:
// state transitions, Lambda invocations (Task states entered, plus retries) and DynamoDB
// requests (counted by a middleware on the local runtime's DynamoDB client, which dynalite answers).
// The README's "What it costs" comes from this. Run: npx tsx bench/count-deploy-requests.ts [scenario…]
import "../local/quiet-sdk.js";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { runtime } from "../functions/aws/runtime.js";
import type { ExecutionEvent } from "../functions/core/executions/execution-record.js";
import { deployScenarios } from "./deploy-scenarios.js";
import { closeLocalDynamo } from "../local/dynamo-session.js";
import { createLocalFleet, runLocalDeploy } from "../local/scenario.js";
import { breakBatch } from "../local/watch.js";

/** Step Functions standard workflows: $0.025 per 1,000 state transitions. */
const USD_PER_TRANSITION = 0.025 / 1000;

const wanted = process.argv.slice(2);
const dynamoRequests: Record<string, number> = {};

for (const scenario of deployScenarios.filter((candidate) => wanted.length === 0 || wanted.includes(candidate.scenario))) {
  for (const key of Object.keys(dynamoRequests)) delete dynamoRequests[key];
  let invocations = 0;
  const countInvocations = (event: ExecutionEvent): void => {
    if ((event.kind === "entered" && event.step.type === "Task") || event.kind === "retried") invocations += 1;
  };
  // The same fleet, input and fault as the benchmark's scenario (bench/deploy-scenarios.ts).
  // Local mode's runtime is quiet: one JSON line per scenario, not the steps' own log lines.
  const fleet = createLocalFleet(scenario.fleet);
  runtime()
    .client(DynamoDBClient)
    .middlewareStack.add(
      (next, context) => async (args) => {
        dynamoRequests[context.commandName ?? "unknown"] = (dynamoRequests[context.commandName ?? "unknown"] ?? 0) + 1;
        return next(args);
      },
      { step: "initialize", name: "gantryCountRequests" },
    );
  const input = fleet.deployInput("v2", { strategy: scenario.strategy });
  const batches = Math.ceil(100 / Number.parseFloat(String(scenario.strategy.batches?.[0] ?? "25%")));
  const failAt = scenario.failBatch === "last" ? batches : scenario.failBatch;
  const breakOne = failAt ? breakBatch(fleet, failAt) : undefined;
  const record = await runLocalDeploy(fleet, input, {
    onEvent: (event) => {
      countInvocations(event);
      breakOne?.(event);
    },
  });
  console.log(
    JSON.stringify({
      scenario: scenario.scenario,
      result: record.status === "SUCCEEDED" ? "deployed" : record.error,
      batches,
      transitions: record.transitions,
      stepFunctionsUsd: Number((record.transitions * USD_PER_TRANSITION).toFixed(4)),
      lambdaInvocations: invocations,
      // Local mode creates its table on first use; on AWS the stack does, so those calls are not the deploy's.
      dynamoRequests: Object.fromEntries(
        Object.entries(dynamoRequests).filter(([command]) => !["CreateTableCommand", "DescribeTableCommand"].includes(command)),
      ),
    }),
  );
}
await closeLocalDynamo();
