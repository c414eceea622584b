import { tagInstancesRelease } from "../aws/rollout/group-actions.js";
import { readDeployCommand, sendDeployCommand } from "../aws/rollout/run-command.js";
import { deregisterInstances, registerInstances } from "../aws/rollout/targets.js";
import { DeployCommandFailedError, HealthGateTimeoutError, RetireTimeoutError, UnhealthyFleetError } from "../core/errors.js";
import type { FleetView } from "../core/fleet.js";
import type { DeployInput } from "../core/config/input.js";
import type { GateEvidence } from "../core/rollout/gate.js";
import {
  chooseInPlaceBatch,
  commandFailureCause,
  homeTargetGroups,
  maskOf,
  membershipsOf,
  missingFrom,
  notRegistered,
  registeredIn,
  sentTo,
  type Homes,
  sortResults,
  stillDraining,
  wasDelivered,
  type InPlaceBatch,
  type InvocationResult,
} from "../core/rollout/in-place.js";
import type { RolloutPlan } from "../core/rollout/plan.js";
import type { CaughtFailure } from "../core/rollout/rollback.js";
import { gateFailure, runGate } from "./run-gate.js";

/** What one call did to the batch, and what the state machine does next. */
export interface InPlaceTurn {
  /** The batch after this call; undefined once it has baked and passed (or there was none to take). */
  batch?: InPlaceBatch;
  /** Nothing was left to take: every counted instance runs the release. */
  allDone?: boolean;
  /** Call again at once (true) or after `waitSeconds`. */
  ready: boolean;
  waitSeconds: number;
  failed?: CaughtFailure;
  evidence?: GateEvidence;
  /** Invocations that failed, for the step output: instance, status, exit code and output tail. */
  commandFailures?: InvocationResult[];
  note: string;
}

export interface InPlaceContext {
  input: DeployInput;
  plan: RolloutPlan;
  /** The group split by `release`: old = not yet on it. */
  view: FleetView;
  /** The release this batch installs: the deploy's, or in a rollback the previous one. */
  release: string;
  /** Instances to take in a new batch. */
  size: number;
  /** Already out of service and taken first (a rollback's first batch: the failed one). */
  takeFirst?: readonly string[];
  /** Where the `takeFirst` instances belong: the target groups they left. */
  firstHomes?: Homes;
  /**
   * Instances that run the command even if their tag names the release already: a rollback's
   * failed batch, whose failed command may have left another release running whatever the tag says.
   */
  rerun?: readonly string[];
  /** "Batch 2 of 4", "Rollback batch 1", for causes. */
  where: string;
  batchStartedAt: number;
  now: number;
  /**
   * Whether the gate reads the alarms. A rollback's does not: the alarm that failed the deploy
   * may still be firing, and the way back must not wait on it.
   */
  alarms?: boolean;
}

/** Moves the batch one stage on: take it out, drain, run the command, register, gate, bake. */
export async function advanceInPlace(context: InPlaceContext, batch: InPlaceBatch | undefined): Promise<InPlaceTurn> {
  const stage = batch?.stage ?? "take";
  if (!batch || stage === "take") return takeBatch(context, batch);
  if (stage === "drain") return drain(context, batch);
  if (stage === "command") return awaitCommand(context, batch);
  return gate(context, batch);
}

async function takeBatch(context: InPlaceContext, waiting: InPlaceBatch | undefined): Promise<InPlaceTurn> {
  const { view, plan, input, now } = context;
  const inService = new Set(view.group.instances.filter((instance) => instance.lifecycleState === "InService").map((instance) => instance.id));
  const first = (context.takeFirst ?? []).filter((id) => inService.has(id));
  if (view.old.length === 0 && first.length === 0) return { allDone: true, ready: true, waitSeconds: 0, note: `every instance runs ${context.release}` };
  const taken = new Set(first);
  const rest = { ...view, old: view.old.filter((instance) => !taken.has(instance.id)) };
  const choice = chooseInPlaceBatch(rest, Math.max(0, context.size - first.length), plan.floor);
  if ("waitReason" in choice && first.length === 0) {
    const since = waiting?.stageStartedAt ?? now;
    if ((now - since) / 1000 > input.strategy.healthTimeoutSeconds) {
      throw new UnhealthyFleetError(`${context.where}: ${choice.waitReason} for over healthTimeoutSeconds ${input.strategy.healthTimeoutSeconds}.`);
    }
    return {
      batch: { stage: "take", instanceIds: [], commandIds: [], stageStartedAt: since },
      ready: false,
      waitSeconds: input.strategy.pollSeconds,
      note: choice.waitReason,
    };
  }
  const ids = [...first, ...("instances" in choice ? choice.instances.map((instance) => instance.id) : [])];
  const arns = input.group.targetGroupArns;
  const current = membershipsOf(view, ids, arns);
  // An instance already out keeps the target groups it left before; the others, those they are in now.
  const memberships = ids.map((id, index) => (taken.has(id) && context.firstHomes ? maskOf(context.firstHomes(id), arns) : (current[index] ?? 0)));
  await deregisterInstances(registeredIn(view, ids));
  return {
    batch: { stage: "drain", instanceIds: ids, commandIds: [], memberships, stageStartedAt: now },
    ready: plan.drainSeconds === 0,
    waitSeconds: Math.max(1, plan.drainSeconds),
    note: `${ids.length} instance(s) out of the target groups, draining ${plan.drainSeconds} s`,
  };
}

async function drain(context: InPlaceContext, batch: InPlaceBatch): Promise<InPlaceTurn> {
  const { view, plan, input, now } = context;
  const draining = stillDraining(view, batch.instanceIds);
  if (draining.length > 0) {
    const elapsed = (now - batch.stageStartedAt) / 1000;
    const limit = plan.drainSeconds + input.strategy.healthTimeoutSeconds;
    if (elapsed > limit) {
      throw new RetireTimeoutError(
        `${context.where}: ${draining.length} instance(s) still draining after ${Math.round(elapsed)} s (deregistration delay ${plan.drainSeconds} s + healthTimeoutSeconds ${input.strategy.healthTimeoutSeconds}): ${draining.slice(0, 5).join(", ")}.`,
      );
    }
    return { batch, ready: false, waitSeconds: input.strategy.pollSeconds, note: `${draining.length} of ${batch.instanceIds.length} instance(s) draining` };
  }
  // Instances already on the release (a rollback's failed batch, reverted by its own command) only register again.
  const rerun = new Set(context.rerun ?? []);
  const toRun = batch.instanceIds.filter((id) => releaseOf(view, id) !== context.release || rerun.has(id));
  if (toRun.length === 0) return register(context, batch);
  const { commandIds, notManaged } = await sendDeployCommand(toRun, {
    command: input.strategy.inPlace.command,
    release: context.release,
    timeoutSeconds: input.strategy.inPlace.timeoutSeconds,
    comment: `gantry: ${input.app}/${input.env} to ${context.release}`,
  });
  return {
    batch: {
      ...batch,
      stage: "command",
      commandIds,
      ...(notSent(batch.instanceIds, toRun, notManaged).length > 0 ? { notSent: notSent(batch.instanceIds, toRun, notManaged) } : {}),
      ...(notManaged.length > 0 ? { undelivered: notManaged } : {}),
      stageStartedAt: now,
    },
    ready: false,
    waitSeconds: input.strategy.pollSeconds,
    note: `running the deploy command of ${context.release} on ${toRun.length} instance(s)`,
  };
}

async function awaitCommand(context: InPlaceContext, batch: InPlaceBatch): Promise<InPlaceTurn> {
  const { view, input, now } = context;
  // Instances Run Command refused outright (not managed nodes) fail as undelivered.
  // One already tagged with the release (a rollback's rerun) never ran anything else: it only registers again.
  const refused = (batch.undelivered ?? [])
    .filter((instanceId) => releaseOf(view, instanceId) !== context.release)
    .map((instanceId): InvocationResult => ({ instanceId, status: "Failed", details: "NotManaged" }));
  const results = [...(await readDeployCommand(batch.commandIds, sentTo(batch))), ...refused];
  const { succeeded, failed, running } = sortResults(results);
  // Each instance is tagged as soon as it runs the release, so every later read (and a rollback) sees what it runs.
  const switched = succeeded.map((result) => result.instanceId).filter((id) => releaseOf(view, id) !== context.release);
  if (switched.length > 0) await tagInstancesRelease(switched, context.release);
  if (failed.length > 0) {
    const cause = commandFailureCause(context.where, context.release, input.strategy.inPlace.command, failed);
    const undelivered = [...new Set([...(batch.undelivered ?? []), ...failed.filter((result) => !wasDelivered(result)).map((result) => result.instanceId)])];
    return {
      batch: { ...batch, undelivered },
      ready: false,
      waitSeconds: input.strategy.pollSeconds,
      failed: { Error: DeployCommandFailedError.name, Cause: cause },
      commandFailures: failed.slice(0, 10),
      note: `deploy command failed on ${failed.length} instance(s)`,
    };
  }
  if (running.length > 0) {
    const elapsed = (now - batch.stageStartedAt) / 1000;
    // Run Command ends an invocation itself after its execution timeout; this bound only covers an answer that never comes.
    const limit = input.strategy.inPlace.timeoutSeconds + 120;
    if (elapsed > limit) {
      throw new DeployCommandFailedError(
        `${context.where}: the deploy command of ${context.release} has not ended on ${running.length} instance(s) after ${Math.round(elapsed)} s (strategy.inPlace.timeoutSeconds ${input.strategy.inPlace.timeoutSeconds} + 120 s): ${running
          .slice(0, 5)
          .map((result) => `${result.instanceId} ${result.status}`)
          .join(", ")}.`,
      );
    }
    return {
      batch,
      ready: false,
      waitSeconds: input.strategy.pollSeconds,
      note: `deploy command done on ${results.length - running.length} of ${results.length} instance(s)`,
    };
  }
  return register(context, batch);
}

async function register(context: InPlaceContext, batch: InPlaceBatch): Promise<InPlaceTurn> {
  const { view, plan, input, now } = context;
  await registerInstances(missingFrom(view, batch.instanceIds, homesOf(batch, input.group.targetGroupArns)));
  return {
    batch: { ...batch, stage: "register", stageStartedAt: now },
    ready: false,
    waitSeconds: Math.max(1, Math.min(input.strategy.pollSeconds, plan.healthyAfterSeconds || input.strategy.pollSeconds)),
    note: `${batch.instanceIds.length} instance(s) on ${context.release}, registered again`,
  };
}

async function gate(context: InPlaceContext, batch: InPlaceBatch): Promise<InPlaceTurn> {
  const { view, input, now } = context;
  const strategy = input.strategy;
  if (batch.stage === "bake" && batch.bakeUntil !== undefined && now < batch.bakeUntil) {
    return { batch, ready: false, waitSeconds: Math.ceil((batch.bakeUntil - now) / 1000), note: "baking" };
  }
  // A target left out (a register that did not take) is registered again rather than waited for.
  const homes = homesOf(batch, input.group.targetGroupArns);
  const missing = notRegistered(view, batch.instanceIds, homes);
  if (missing.length > 0 && batch.stage === "register") await registerInstances(missingFrom(view, missing, homes));
  const inBatch = new Set(batch.instanceIds);
  const instances = view.fresh.filter((instance) => inBatch.has(instance.id));
  const gated = context.alarms === false ? { ...input, gates: { ...input.gates, alarms: [] } } : input;
  const verdict = await runGate(gated, view, instances, now, context.batchStartedAt);
  if (verdict.outcome === "fail") {
    return {
      batch,
      ready: false,
      waitSeconds: strategy.pollSeconds,
      failed: gateFailure(verdict, context.where),
      evidence: verdict.evidence,
      note: `gate failed: ${verdict.reason}`,
    };
  }
  if (verdict.outcome === "wait") {
    const elapsed = (now - batch.stageStartedAt) / 1000;
    if (batch.stage === "register" && elapsed > strategy.healthTimeoutSeconds) {
      throw new HealthGateTimeoutError(
        `${context.where}: ${verdict.reason} after ${Math.round(elapsed)} s (healthTimeoutSeconds ${strategy.healthTimeoutSeconds}).`,
      );
    }
    if (batch.stage === "bake" && elapsed > strategy.bakeSeconds + strategy.healthTimeoutSeconds) {
      throw new HealthGateTimeoutError(`${context.where}: after the bake, ${verdict.reason} for over healthTimeoutSeconds ${strategy.healthTimeoutSeconds}.`);
    }
    return { batch, ready: false, waitSeconds: strategy.pollSeconds, evidence: verdict.evidence, note: verdict.reason };
  }
  if (batch.stage === "register") {
    const baked = { ...batch, stage: "bake" as const, stageStartedAt: now, bakeUntil: now + strategy.bakeSeconds * 1000 };
    return {
      batch: baked,
      ready: strategy.bakeSeconds === 0,
      waitSeconds: strategy.bakeSeconds,
      evidence: verdict.evidence,
      note: `healthy, gate passed; baking ${strategy.bakeSeconds} s`,
    };
  }
  return { ready: true, waitSeconds: 0, evidence: verdict.evidence, note: "baked, gate passed" };
}

/** The batch instances no command went to: already on the release, or refused by Run Command. */
function notSent(instanceIds: readonly string[], toRun: readonly string[], notManaged: readonly string[]): string[] {
  const sent = new Set(toRun);
  const refused = new Set(notManaged);
  return instanceIds.filter((id) => !sent.has(id) || refused.has(id));
}

/** Where each batch instance goes back to: the target groups it left. */
function homesOf(batch: InPlaceBatch, targetGroupArns: readonly string[]): Homes {
  return (id) => homeTargetGroups(batch, id, targetGroupArns);
}

/** The release tag an instance of the group carries, by id (one index per view, not a scan per id: batches hold hundreds). */
const releases = new WeakMap<FleetView, Map<string, string | undefined>>();
function releaseOf(view: FleetView, id: string): string | undefined {
  let byId = releases.get(view);
  if (!byId) {
    byId = new Map(view.group.instances.map((instance) => [instance.id, instance.release]));
    releases.set(view, byId);
  }
  return byId.get(id);
}
