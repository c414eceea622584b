import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";

/** The execution endings people are told about. A rolled-back deploy ends in a Fail state: FAILED. */
export const ALERT_STATUSES = ["FAILED", "TIMED_OUT", "ABORTED"] as const;

/**
 * An SNS topic people subscribe to, told by an EventBridge rule whenever one of gantry's
 * executions fails (rolled-back deploys included), times out or is aborted. The topic is
 * encrypted with its own key, because EventBridge cannot publish to a topic under the AWS
 * managed SNS key, and refuses publishing without TLS.
 */
export class Alerts extends Construct {
  readonly topic: sns.Topic;
  /** The topic's key: whoever publishes needs to use it. */
  readonly key: kms.Key;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: { stateMachines: sfn.IStateMachine[] }) {
    super(scope, id);
    const key = new kms.Key(this, "Key", { enableKeyRotation: true, description: "gantry alerts topic" });
    this.key = key;
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "EventBridgePublishes",
        principals: [new iam.ServicePrincipal("events.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
      }),
    );
    this.topic = new sns.Topic(this, "Topic", { displayName: "gantry alerts", masterKey: key, enforceSSL: true });
    this.rule = new events.Rule(this, "ExecutionEnded", {
      description: "gantry executions that failed (rolled-back deploys included), timed out or were aborted",
      eventPattern: {
        source: ["aws.states"],
        detailType: ["Step Functions Execution Status Change"],
        detail: { status: [...ALERT_STATUSES], stateMachineArn: props.stateMachines.map((machine) => machine.stateMachineArn) },
      },
    });
    const field = (path: string): string => events.EventField.fromPath(path);
    this.rule.addTarget(
      new targets.SnsTopic(this.topic, {
        message: events.RuleTargetInput.fromText(
          `gantry: execution ${field("$.detail.name")} ended ${field("$.detail.status")} in ${field("$.region")}. ` +
            `Cause: ${field("$.detail.cause")} ` +
            `Console: https://${field("$.region")}.console.aws.amazon.com/states/home?region=${field("$.region")}#/v2/executions/details/${field("$.detail.executionArn")}`,
        ),
      }),
    );
  }
}
