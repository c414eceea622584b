import { Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";

/**
 * The role EventBridge Scheduler assumes to start gantry's state machines (work-hours power,
 * cycle runs). Only this account's schedules may assume it (confused-deputy guard), and it may
 * only start executions of the machines it is given.
 */
export class SchedulerRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: { stateMachines: sfn.IStateMachine[] }) {
    super(scope, id);
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
      description: "gantry: EventBridge Scheduler starts gantry's state machines",
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: "StartGantryMachines",
        actions: ["states:StartExecution"],
        resources: props.stateMachines.map((machine) => machine.stateMachineArn),
      }),
    );
  }
}
