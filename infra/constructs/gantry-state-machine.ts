import { RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { placeholdersIn } from "./definition-file.js";
import { WHY_LOG_DELIVERY, WHY_XRAY, acknowledgeWildcards } from "./nag-suppressions.js";

export interface GantryStateMachineProps {
  /** e.g. "deploy": statemachines/deploy.asl.json. */
  machine: string;
  stateMachineName: string;
  /** The definition file's text, placeholders included. */
  definition: string;
  /** Placeholder → the function its Task states call. */
  functions: Record<string, lambda.IFunction>;
  logRetention: logs.RetentionDays;
}

/**
 * One state machine from its definition file, carried inline in the template with
 * `DefinitionSubstitutions` (placeholder → function ARN), execution logging and X-Ray.
 * Its role may invoke its own functions and nothing else.
 */
export class GantryStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: GantryStateMachineProps) {
    super(scope, id);
    const missing = placeholdersIn(props.definition).filter((placeholder) => !props.functions[placeholder]);
    if (missing.length > 0) {
      throw new Error(
        `statemachines/${props.machine}.asl.json uses ${missing.map((name) => `\${${name}}`).join(", ")}, which no function in functions/catalog.ts fills: add the function to FUNCTIONS with machine "${props.machine}" and that placeholder.`,
      );
    }
    const logGroup = new logs.LogGroup(this, "Logs", {
      // Step Functions vended logs want the /aws/vendedlogs/ prefix so the log group's resource policy stays small.
      logGroupName: `/aws/vendedlogs/states/${props.stateMachineName}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("states.amazonaws.com"),
      description: `gantry ${props.machine} state machine: invokes its own functions`,
    });
    const functions = Object.values(props.functions);
    role.addToPolicy(
      new iam.PolicyStatement({ sid: "InvokeOwnFunctions", actions: ["lambda:InvokeFunction"], resources: functions.map((fn) => fn.functionArn) }),
    );
    this.stateMachine = new sfn.StateMachine(this, "StateMachine", {
      stateMachineName: props.stateMachineName,
      definitionBody: sfn.DefinitionBody.fromString(props.definition),
      definitionSubstitutions: Object.fromEntries(Object.entries(props.functions).map(([placeholder, fn]) => [placeholder, fn.functionArn])),
      role,
      tracingEnabled: true,
      // ALL, without execution data: every state's entry and exit, not the payloads.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    acknowledgeWildcards(role, [], [WHY_LOG_DELIVERY, WHY_XRAY]);
  }
}
