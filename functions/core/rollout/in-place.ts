import { InPlaceNotPossibleError } from "../errors.js";
import { RELEASE_TAG, isServing, type FleetView, type ObservedGroup, type ObservedInstance } from "../fleet.js";
import { chooseRetirees, withinSpare } from "./retirees.js";

/**
 * In-place deploys: each batch leaves the target groups, drains, runs the release's deploy
 * command (SSM Run Command), is tagged with the release it now runs, registers again, passes
 * the gate and bakes. The same steps, toward the previous release, are its rollback. Everything
 * here decides; functions/aws acts and functions/wiring/in-place-batch.ts drives the stages.
 */

/** Where one in-place batch stands. */
export type InPlaceStage = "take" | "drain" | "command" | "register" | "bake";

export interface InPlaceBatch {
  stage: InPlaceStage;
  /** The batch's instances: few enough for the state (a batch, never the fleet). */
  instanceIds: string[];
  /** One Run Command command per 50 instances. */
  commandIds: string[];
  /**
   * The batch instances the commands did not go to (already on the release): the others, in
   * `instanceIds` order, are the ones sent, command i holding the 50·i-th to the 50·i+49-th.
   */
  notSent?: string[];
  /**
   * Per instance (in `instanceIds` order), the target groups it was registered in when it left,
   * as a bit mask over group.targetGroupArns: it goes back to those and no others.
   */
  memberships?: number[];
  /** When the current stage began: its deadline counts from here. */
  stageStartedAt: number;
  /** The bake ends at this time (stage "bake"). */
  bakeUntil?: number;
  /** Instances Run Command could not reach: they never ran the command, and run what they ran before. */
  undelivered?: string[];
}

/** The Run Command result of one instance, as gantry reads it. */
export interface InvocationResult {
  instanceId: string;
  /** Run Command's invocation status: Pending, InProgress, Delayed, Success, Failed, TimedOut, Cancelled, ... */
  status: string;
  /** Its finer status: Undeliverable, DeliveryTimedOut, ExecutionTimedOut, Failed, Success, ... */
  details?: string;
  exitCode?: number;
  /** The last lines of its output, stdout then stderr. */
  outputTail?: string[];
}

/** The most SendCommand takes in one call (SSM API reference, SendCommand: InstanceIds, 0–50 items). */
export const INSTANCES_PER_COMMAND = 50;

/** Output lines kept per failed instance, and failed instances described in a cause. */
const OUTPUT_LINES = 10;
const FAILURES_NAMED = 3;

const FINISHED = new Set(["Success", "Failed", "TimedOut", "Cancelled"]);

/** The instances in chunks SendCommand accepts. */
export function commandChunks(instanceIds: readonly string[]): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < instanceIds.length; start += INSTANCES_PER_COMMAND) chunks.push(instanceIds.slice(start, start + INSTANCES_PER_COMMAND));
  return chunks;
}

/** The shell line Run Command runs on each instance; the release id was validated at input (letters, digits, `._:-`). */
export function deployCommandLine(command: string, release: string): string {
  return `${command} ${release}`;
}

/**
 * What an in-place deploy needs of the group before anything changes: one release on every
 * instance, the group's own tag naming it (the rollback runs its deploy command again), and
 * batches small enough that the instances left serving stay at the capacity floor.
 */
export function checkInPlace(group: ObservedGroup, view: FleetView, batchSizes: readonly number[], floor: number, minHealthyPercent: number): void {
  if (batchSizes.length === 0) return;
  const previous = group.tags[RELEASE_TAG];
  if (!previous) {
    throw new InPlaceNotPossibleError(
      `Group "${group.name}" has no gantry:release tag, so an in-place deploy would have no release to roll back to; deploy once with strategy.mode "replace".`,
    );
  }
  const releases = new Map<string, number>();
  for (const instance of [...view.old, ...view.fresh]) releases.set(instance.release ?? "(none)", (releases.get(instance.release ?? "(none)") ?? 0) + 1);
  const others = [...releases.keys()].filter((release) => release !== previous && release !== view.release);
  if (others.length > 0 || (view.fresh.length > 0 && view.old.length > 0)) {
    const counts = [...releases.entries()].map(([release, count]) => `${count} on ${release}`).join(", ");
    throw new InPlaceNotPossibleError(
      `Group "${group.name}" runs mixed releases (${counts}; the group's tag is ${previous}), so an in-place rollback could not tell what each instance goes back to; finish or undo the earlier deploy, or deploy with strategy.mode "replace".`,
    );
  }
  const largest = Math.max(0, ...batchSizes);
  const room = group.desiredCapacity - floor;
  if (largest > room) {
    const allowed = group.desiredCapacity > 0 ? Math.floor(((group.desiredCapacity - largest) * 100) / group.desiredCapacity) : 0;
    const fits = room > 0 ? `batches of at most ${room}` : "no batch at all";
    throw new InPlaceNotPossibleError(
      `Group "${group.name}" has desired ${group.desiredCapacity} and a floor of ${floor} (minHealthyPercent ${minHealthyPercent}); an in-place batch is out of service while it deploys, so ${fits} fit, but the largest batch is ${largest}; use smaller batches or lower minHealthyPercent to at most ${allowed}.`,
    );
  }
}

/**
 * The next batch's instances: `size` of those not yet on the release, spread over the zones,
 * the ones not serving first. Fewer when taking them would leave fewer than `floor` serving;
 * none (and why) when not one can go.
 */
export function chooseInPlaceBatch(view: FleetView, size: number, floor: number): { instances: ObservedInstance[] } | { waitReason: string } {
  const serving = (instance: ObservedInstance) => isServing(view.health.get(instance.id));
  const chosen = chooseRetirees(view.old, Math.min(size, view.old.length), serving);
  const allowed = withinSpare(chosen, serving, view.serving - floor);
  if (allowed.length === 0 && chosen.length > 0) {
    return { waitReason: `${view.serving} instance(s) serving, the floor is ${floor}: waiting for capacity before taking the next batch out of service` };
  }
  return { instances: allowed };
}

/** Batch instances still draining in some target group. */
export function stillDraining(view: FleetView, instanceIds: readonly string[]): string[] {
  return instanceIds.filter((id) => (view.health.get(id) ?? []).some((row) => row.state === "draining"));
}

/** Where each instance belongs: the target groups it must be registered in. */
export type Homes = (id: string) => readonly string[];

/** Every target group, for each instance: the default where nothing else is known. */
export const everyTargetGroup =
  (targetGroupArns: readonly string[]): Homes =>
  () =>
    targetGroupArns;

/** Instances registered in no target group at all (draining or unused rows do not count). */
export function inNoTargetGroup(view: FleetView, instanceIds: readonly string[], targetGroupArns: readonly string[]): string[] {
  return instanceIds.filter((id) => !targetGroupArns.some((arn) => isRegistered(view, id, arn)));
}

/** Instances not registered in every target group they belong in. */
export function notRegistered(view: FleetView, instanceIds: readonly string[], homes: Homes): string[] {
  return instanceIds.filter((id) => homes(id).some((arn) => !isRegistered(view, id, arn)));
}

/** The results split: finished well, finished badly, still running. */
export function sortResults(results: readonly InvocationResult[]): { succeeded: InvocationResult[]; failed: InvocationResult[]; running: InvocationResult[] } {
  const succeeded = results.filter((result) => result.status === "Success");
  const failed = results.filter((result) => FINISHED.has(result.status) && result.status !== "Success");
  const running = results.filter((result) => !FINISHED.has(result.status));
  return { succeeded, failed, running };
}

/** The last lines of an invocation's output, stdout then stderr, at most OUTPUT_LINES. */
export function outputTail(stdout: string | undefined, stderr: string | undefined): string[] {
  const lines = [...(stdout ?? "").split("\n"), ...(stderr ?? "").split("\n")].map((line) => line.trimEnd()).filter((line) => line.length > 0);
  return lines.slice(-OUTPUT_LINES);
}

/** Did Run Command run the command at all on this instance (rather than fail to reach its agent)? */
export function wasDelivered(result: InvocationResult): boolean {
  return result.details !== "Undeliverable" && result.details !== "DeliveryTimedOut" && result.details !== "NotManaged";
}

/**
 * The cause of a batch whose command failed: each failed instance (up to three) with its
 * status, exit code and output tail, and what to do about it.
 */
export function commandFailureCause(where: string, release: string, command: string, failed: readonly InvocationResult[]): string {
  const described = failed.slice(0, FAILURES_NAMED).map((result) => {
    const status = result.details && result.details !== result.status ? `${result.status} (${result.details})` : result.status;
    const code = result.exitCode !== undefined && result.exitCode >= 0 ? `, exit code ${result.exitCode}` : "";
    const tail = result.outputTail && result.outputTail.length > 0 ? `; output ends: ${result.outputTail.join(" | ")}` : "";
    return `${result.instanceId}: ${status}${code}${tail}. ${advice(result)}`;
  });
  const more = failed.length > FAILURES_NAMED ? ` And ${failed.length - FAILURES_NAMED} more.` : "";
  return `${where}: "${deployCommandLine(command, release)}" failed on ${failed.length} instance(s). ${described.join(" ")}${more}`;
}

function advice(result: InvocationResult): string {
  if (result.details === "Undeliverable" || result.details === "NotManaged") {
    return "Run Command could not reach the instance: check that the SSM agent runs and that the instance profile allows it (AmazonSSMManagedInstanceCore).";
  }
  if (result.details === "DeliveryTimedOut") return "The SSM agent did not pick the command up in time: check the agent and the instance's route to SSM.";
  if (result.status === "TimedOut") return "The command ran past strategy.inPlace.timeoutSeconds: see the output, or raise the timeout.";
  return "See the output; run the command on the instance by hand to reproduce.";
}

/** The instances the batch's commands went to, in the order sent. */
export function sentTo(batch: InPlaceBatch): string[] {
  const skipped = new Set(batch.notSent ?? []);
  return batch.commandIds.length === 0 ? [] : batch.instanceIds.filter((id) => !skipped.has(id));
}

/** A set of target groups as a bit mask over `targetGroupArns` (arithmetic, not 32-bit operators: a group may have more target groups). */
export function maskOf(arns: readonly string[], targetGroupArns: readonly string[]): number {
  return targetGroupArns.reduce((mask, arn, index) => (arns.includes(arn) ? mask + 2 ** index : mask), 0);
}

/**
 * Each instance's target groups as masks: those it is registered in, draining included, so a
 * retried step that already deregistered the batch records the same homes as the first try.
 */
export function membershipsOf(view: FleetView, instanceIds: readonly string[], targetGroupArns: readonly string[]): number[] {
  const inGroup = (id: string, arn: string) => (view.health.get(id) ?? []).some((row) => row.targetGroupArn === arn && row.state !== "unused");
  return instanceIds.map((id) =>
    maskOf(
      targetGroupArns.filter((arn) => inGroup(id, arn)),
      targetGroupArns,
    ),
  );
}

/**
 * The target groups an instance of the batch belongs in: those it was in when it left; every
 * one when that was not recorded (or it was in none: an instance that never served gets them all).
 */
export function homeTargetGroups(batch: Pick<InPlaceBatch, "instanceIds" | "memberships">, id: string, targetGroupArns: readonly string[]): string[] {
  const mask = batch.memberships?.[batch.instanceIds.indexOf(id)] ?? 0;
  return mask === 0 ? [...targetGroupArns] : targetGroupArns.filter((_, index) => Math.floor(mask / 2 ** index) % 2 === 1);
}

function isRegistered(view: FleetView, id: string, arn: string): boolean {
  return (view.health.get(id) ?? []).some((row) => row.targetGroupArn === arn && row.state !== "draining" && row.state !== "unused");
}

/** Per target group, the batch instances registered there now (and not already draining). */
export function registeredIn(view: FleetView, ids: readonly string[]): Map<string, string[]> {
  const byGroup = new Map<string, string[]>();
  for (const id of ids) {
    for (const row of view.health.get(id) ?? []) {
      if (row.state === "draining" || row.state === "unused") continue;
      append(byGroup, row.targetGroupArn, id);
    }
  }
  return byGroup;
}

/** Per target group, the instances that belong there and are not registered there. */
export function missingFrom(view: FleetView, ids: readonly string[], homes: Homes): Map<string, string[]> {
  const byGroup = new Map<string, string[]>();
  for (const id of ids) {
    for (const arn of homes(id)) if (!isRegistered(view, id, arn)) append(byGroup, arn, id);
  }
  return byGroup;
}

function append(byGroup: Map<string, string[]>, arn: string, id: string): void {
  const list = byGroup.get(arn);
  if (list) list.push(id);
  else byGroup.set(arn, [id]);
}
