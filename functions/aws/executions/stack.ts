import { DescribeStacksCommand, type CloudFormationClient, type Stack } from "@aws-sdk/client-cloudformation";
import { StackNotFoundError, StackOutputMissingError } from "../../core/errors.js";
import { STACK_OUTPUTS, type StackOutputKey } from "../../core/config/stack-outputs.js";

/** The deployed gantry stack as the CLI sees it: its outputs, by the keys infra/ and the CLI share. */
export interface GantryStack {
  name: string;
  region: string;
  status: string;
  outputs: Partial<Record<StackOutputKey, string>>;
}

const KEYS_BY_OUTPUT = new Map(Object.entries(STACK_OUTPUTS).map(([key, output]) => [output, key as StackOutputKey]));

/**
 * Reads the stack's outputs with DescribeStacks. CloudFormation answers a stack that does not
 * exist (or was deleted) with a ValidationError "Stack with id … does not exist", not an empty
 * list, so that error becomes StackNotFoundError saying where it looked and what to do.
 */
export async function readGantryStack(cloudFormation: CloudFormationClient, stackName: string): Promise<GantryStack> {
  const { found, region } = await describeStack(
    cloudFormation,
    stackName,
    (region) =>
      `No CloudFormation stack "${stackName}" in ${region} for these credentials. Deploy gantry first (npx cdk deploy), or pass --stack <name> and --region <region> where it is deployed.`,
  );
  const outputs: GantryStack["outputs"] = {};
  for (const output of found.Outputs ?? []) {
    const key = output.OutputKey === undefined ? undefined : KEYS_BY_OUTPUT.get(output.OutputKey as (typeof STACK_OUTPUTS)[StackOutputKey]);
    if (key && output.OutputValue) outputs[key] = output.OutputValue;
  }
  return { name: found.StackName ?? stackName, region, status: found.StackStatus ?? "UNKNOWN", outputs };
}

/** One output the command needs; StackOutputMissingError naming it when the stack lacks it. */
export function stackOutput(stack: GantryStack, key: StackOutputKey): string {
  const value = stack.outputs[key];
  if (value) return value;
  throw new StackOutputMissingError(
    `Stack "${stack.name}" in ${stack.region} (${stack.status}) has no output ${STACK_OUTPUTS[key]}: it is not a gantry stack, or an older or unfinished one. Deploy the current gantry stack (npx cdk deploy), or pass --stack <name> for the right one.`,
  );
}

/**
 * One stack by DescribeStacks, with the region asked. CloudFormation answers a stack that does
 * not exist (or was deleted) with a ValidationError "Stack with id … does not exist", not an
 * empty list: that becomes StackNotFoundError with `notFound`'s message.
 */
export async function describeStack(
  cloudFormation: CloudFormationClient,
  stackName: string,
  notFound: (region: string) => string,
): Promise<{ found: Stack; region: string }> {
  const region = await cloudFormation.config.region();
  let found: Stack | undefined;
  try {
    found = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (error) {
    if (!(error instanceof Error && error.name === "ValidationError" && /does not exist/.test(error.message))) throw error;
  }
  if (!found) throw new StackNotFoundError(notFound(region));
  return { found, region };
}
