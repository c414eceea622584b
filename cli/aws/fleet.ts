import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { describeStack } from "../../functions/aws/executions/stack.js";
import { FLEET_OUTPUTS, type FleetOutputKey } from "../../functions/core/config/fleet-outputs.js";
import { StackOutputMissingError } from "../../functions/core/errors.js";

/** A fleet stack's outputs (infra/stacks/fleet-stack.ts), every one of them present. */
export interface FleetStack {
  name: string;
  region: string;
  outputs: Record<FleetOutputKey, string>;
}

/**
 * Reads a fleet stack with DescribeStacks. CloudFormation answers a stack that does not exist with
 * a ValidationError "Stack with id … does not exist"; a stack without every fleet output is not a
 * fleet stack (or not finished): both fail naming the stack, the region and what to do.
 */
export async function readFleetStack(cloudFormation: CloudFormationClient, stackName: string): Promise<FleetStack> {
  const { found, region } = await describeStack(
    cloudFormation,
    stackName,
    (region) =>
      `No CloudFormation stack "${stackName}" in ${region}. Deploy the fleet first (npx cdk deploy ${stackName}), pass --stack <name> and --region <region> where it is, or --no-stack to type the values.`,
  );
  const given = new Map((found.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
  const missing = Object.values(FLEET_OUTPUTS).filter((output) => !given.get(output));
  if (missing.length > 0) {
    throw new StackOutputMissingError(
      `Stack "${stackName}" in ${region} (${found.StackStatus ?? "UNKNOWN"}) has no output ${missing.join(", ")}: it is not a fleet stack (infra/stacks/fleet-stack.ts) or not finished. Pass --stack <name> of the fleet, or --no-stack to type the values.`,
    );
  }
  const outputs = Object.fromEntries(Object.entries(FLEET_OUTPUTS).map(([key, output]) => [key, given.get(output) as string])) as Record<
    FleetOutputKey,
    string
  >;
  return { name: found.StackName ?? stackName, region, outputs };
}
