/**
 * Where a deploy execution lives. `StartExecution` answers with the ARN, but a redelivery
 * fails with `ExecutionAlreadyExists` and no ARN, so it is derived: an execution's ARN is its
 * state machine's with `:stateMachine:` turned into `:execution:` and `:<name>` appended.
 */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
}

/** The Step Functions console page of an execution, in the region its ARN names. */
export function consoleUrlFor(executionArn: string): string {
  const region = executionArn.split(":")[3] ?? "";
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}
