import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type * as z from "zod";
import { now } from "../aws/clock.js";
import { renewLock } from "../aws/lock/deploy-lock.js";
import { classifyAwsError } from "../aws/errors.js";
import { runtime, runtimeLogger } from "../aws/runtime.js";
import { requestContext } from "./lambda.js";
import { InvalidPowerInputError } from "../core/errors.js";
import { readOperatorRequest } from "../aws/operator/requests.js";
import { abortFor, enforceRolloutDeadline } from "../core/operator/stop.js";
import { describeIssues } from "../core/config/validation.js";
import { readDeployState, type DeployState } from "./deploy-state.js";

/** What one step's wrapper needs to know besides its work. */
export interface StepShape<I> {
  /** Validates the event, throwing the step's named input error when it is wrong. */
  parse: (event: unknown) => I;
  /** Fields that say what the run was about, for its log line (app/env, schedule). */
  about?: (input: I) => Record<string, unknown>;
  /** Runs before the work, after the input is known (deploy steps renew their lock). */
  before?: (input: I) => Promise<void>;
}

/**
 * Every Lambda step, deploy or power, is this: validated input, the step's work (core decides,
 * aws/ acts), one structured log line with the request id, and AWS errors given the names the
 * state machine retries on. The runtime is built on the first invocation when local mode or a
 * test has not provided one (requestContext, functions/wiring/lambda.ts).
 */
export function lambdaStep<I, R>(step: string, shape: StepShape<I>, work: (input: I) => Promise<R>) {
  return middy<unknown, R, Error, Context>(async (event: unknown) => {
    const input = shape.parse(event);
    await shape.before?.(input);
    const result = await work(input);
    const summary = (result as { summary?: unknown } | undefined)?.summary;
    runtime().logger.info(step, { step, ...shape.about?.(input), ...(summary ? { summary } : { result }) });
    return result;
  })
    .use(requestContext())
    .use({
      onError: (request) => {
        request.error = classifyAwsError(request.error) as Error;
        runtimeLogger().error(step, { step, error: request.error?.name, reason: request.error?.message });
      },
    });
}

/** A step of the deploy state machine: the execution state, and the app/env lock renewed on every run. */
export function deployStep<R>(step: string, work: (state: DeployState) => Promise<R>) {
  return lambdaStep(step, { parse: readDeployState, before: keepLock, about: deployAbout }, work);
}

/** A step of the power state machine: its part of the state, validated by `schema`. */
export function powerStep<S extends z.ZodType, R>(step: string, schema: S, work: (input: z.output<S>) => Promise<R>) {
  const parse = (event: unknown): z.output<S> => {
    const parsed = schema.safeParse(event);
    if (parsed.success) return parsed.data;
    throw new InvalidPowerInputError(`The input of "${step}" is invalid:\n  ${describeIssues(event, parsed.error.issues).join("\n  ")}`);
  };
  return lambdaStep(step, { parse, about: (input: z.output<S>) => ({ schedule: (input as { schedule?: unknown }).schedule }) }, work);
}

/**
 * A step that moves a deploy or cycle forward (waiting for its turn, planning, launching, gating,
 * retiring): before its work it stops the run when a person asked to abort it (`gantry abort`) or
 * when the rollout has passed its deadline. The error it throws reaches the state's Catch, which
 * ends a run that changed nothing as not started and rolls back one that did.
 */
export function forwardStep<R>(step: string, work: (state: DeployState) => Promise<R>) {
  const before = async (state: DeployState): Promise<void> => {
    await keepLock(state);
    await stopWhenAsked(state);
  };
  return lambdaStep(step, { parse: readDeployState, before, about: deployAbout }, work);
}

async function stopWhenAsked(state: DeployState): Promise<void> {
  const { input, execution, plan } = state;
  const at = now();
  if (execution) {
    const request = await readOperatorRequest(input.app, input.env, execution.name);
    const aborted = request && abortFor(request, execution.name);
    if (aborted) throw aborted;
  }
  // An approval is a person saying "go on": the deadline counts afresh from the last one.
  if (plan && !plan.rejected) enforceRolloutDeadline(Math.max(plan.startedAt, state.approval?.at ?? 0), at);
}

function deployAbout(state: DeployState): Record<string, unknown> {
  return { app: state.input.app, env: state.input.env, release: state.input.release?.id ?? state.input.mode };
}

/**
 * Every step of a deploy that holds its app/env lock renews the lease, so the lock outlives any
 * deploy that is alive and frees itself soon after one that died.
 */
async function keepLock(state: DeployState): Promise<void> {
  const lock = state.lock;
  if (lock?.outcome !== "acquired" || state.outcome) return;
  const held = await renewLock({ app: state.input.app, env: state.input.env, holder: lock.holder, now: now(), leaseSeconds: lock.leaseSeconds });
  if (!held) runtime().logger.warn("deploy lock lost", { app: state.input.app, env: state.input.env, holder: lock.holder });
}
