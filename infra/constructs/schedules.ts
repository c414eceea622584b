import * as scheduler from "aws-cdk-lib/aws-scheduler";
import type * as iam from "aws-cdk-lib/aws-iam";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import type { GantryConfig } from "../../functions/core/config/config.js";
import { cycleInputFor } from "../../functions/core/cycle/cycle.js";
import { schedulerExpressions } from "../../functions/core/power/schedule-cron.js";

/** One EventBridge Scheduler schedule as gantry needs it: what fires, when, in which timezone, with what input. */
export interface ScheduleEntry {
  /** Unique within the stack; also the schedule's name after the stack's prefix. */
  name: string;
  machine: "power" | "deploy";
  expression: string;
  timezone: string;
  input: unknown;
  description: string;
}

/**
 * The schedules a configuration declares: a start and a stop per work-hours schedule (the
 * power state machine, input `{ schedule, action }`), and one cycle run per app/env with a
 * `cycling` section (the deploy state machine, input from `cycleInputFor`). Pure, so tests
 * can read it without synthesizing.
 */
export function scheduleEntries(config: GantryConfig): ScheduleEntry[] {
  const power = Object.entries(config.schedules ?? {}).flatMap(([name, schedule]) => {
    const expressions = schedulerExpressions(schedule);
    return (["start", "stop"] as const).map((action) => ({
      name: `${name}-${action}`,
      machine: "power" as const,
      expression: expressions[action],
      timezone: expressions.timezone,
      input: { schedule: name, action },
      description: `gantry: ${action} the targets of schedule ${name} (${action === "start" ? schedule.on : schedule.off} ${schedule.timezone})`,
    }));
  });
  const cycles = Object.entries(config.apps).flatMap(([app, settings]) =>
    Object.entries(settings.environments).flatMap(([env, environment]) =>
      environment.cycling
        ? [
            {
              name: `cycle-${app}-${env}`,
              machine: "deploy" as const,
              expression: environment.cycling.schedule.cron,
              timezone: environment.cycling.schedule.timezone,
              input: cycleInputFor(config, app, env, { source: "schedule" }),
              description: `gantry: replace ${app}/${env} instances older than ${environment.cycling.maxAge}`,
            },
          ]
        : [],
    ),
  );
  return [...power, ...cycles];
}

/**
 * Creates the configuration's schedules against the stack's state machines. A schedule whose
 * machine the stack lacks is a configuration gantry cannot honour: synth fails saying which.
 */
export class Schedules extends Construct {
  readonly schedules: scheduler.CfnSchedule[] = [];

  constructor(
    scope: Construct,
    id: string,
    props: { config: GantryConfig; stateMachines: Record<string, sfn.IStateMachine>; role: iam.IRole; prefix: string },
  ) {
    super(scope, id);
    for (const entry of scheduleEntries(props.config)) {
      const machine = props.stateMachines[entry.machine];
      if (!machine) throw new Error(`Schedule ${entry.name} needs the ${entry.machine} state machine, which functions/catalog.ts does not define.`);
      this.schedules.push(
        new scheduler.CfnSchedule(this, entry.name, {
          name: `${props.prefix}-${entry.name}`.slice(0, 64),
          description: entry.description,
          scheduleExpression: entry.expression,
          scheduleExpressionTimezone: entry.timezone,
          flexibleTimeWindow: { mode: "OFF" },
          state: "ENABLED",
          target: {
            arn: machine.stateMachineArn,
            roleArn: props.role.roleArn,
            input: JSON.stringify(entry.input),
            // A start that could not be handed over within 15 minutes is stale: the next one comes tomorrow.
            retryPolicy: { maximumEventAgeInSeconds: 900, maximumRetryAttempts: 5 },
          },
        }),
      );
    }
  }
}
