import type { FleetView, ObservedInstance } from "../fleet.js";

/** What an instance's console said last, as a failure explains itself with it. */
export interface ConsoleEvidence {
  instanceId: string;
  /** The last lines, oldest first; empty when the instance has written nothing yet. */
  tail: string[];
  /** Why there is no tail: the read failed (its error name). */
  unavailable?: string;
}

/** A scaling activity of the group that failed or was cancelled since the batch began. */
export interface ActivityEvidence {
  at: string;
  status: string;
  description: string;
  message: string;
}

/** Why new instances never became healthy or never reached InService, as far as AWS says. */
export interface FailureEvidence {
  console: ConsoleEvidence[];
  activities: ActivityEvidence[];
}

/** Console lines kept per instance; EC2 keeps 64 KB, a failure needs the end of it. */
export const CONSOLE_TAIL_LINES = 20;
/** Characters kept per console line and per instance: the execution history keeps every copy of a cause, and a state's payload is at most 256 KiB. */
const LINE_CHARS = 200;
const TAIL_CHARS = 2000;
/** Instances whose console is read, and activity messages kept. */
export const CONSOLE_INSTANCES = 2;
const ACTIVITIES = 3;
const MESSAGE_CHARS = 300;

/** The last lines of a console output, without control characters, each and all capped in size. */
export function consoleTail(text: string): string[] {
  // The serial console carries terminal escapes and carriage returns that say nothing in a cause.
  const printable = text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").replace(/[^\P{Cc}\n\t]/gu, "");
  const lines = printable
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0)
    .slice(-CONSOLE_TAIL_LINES)
    .map((line) => (line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS - 1)}…` : line));
  let total = 0;
  const kept: string[] = [];
  for (const line of [...lines].reverse()) {
    total += line.length + 1;
    if (total > TAIL_CHARS) break;
    kept.unshift(line);
  }
  return kept;
}

/** Keeps the newest failed activities, their messages capped. */
export function keepActivities(activities: readonly ActivityEvidence[]): ActivityEvidence[] {
  return [...activities]
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, ACTIVITIES)
    .map((activity) => ({ ...activity, message: activity.message.slice(0, MESSAGE_CHARS) }));
}

/**
 * The instances whose console explains the failure: of `candidates`, those that do not serve,
 * the ones still not InService first, then the ones a target group reports unhealthy; at most
 * CONSOLE_INSTANCES.
 */
export function suspects(view: FleetView, candidates: readonly ObservedInstance[]): ObservedInstance[] {
  const rank = (instance: ObservedInstance): number => {
    const rows = view.health.get(instance.id);
    if (instance.lifecycleState !== "InService") return 0;
    if (rows?.some((row) => row.state === "unhealthy")) return 1;
    if (rows === undefined || rows.some((row) => row.state !== "healthy")) return 2;
    return 3;
  };
  return candidates
    .map((instance) => ({ instance, rank: rank(instance) }))
    .filter((entry) => entry.rank < 3)
    .sort((a, b) => a.rank - b.rank)
    .slice(0, CONSOLE_INSTANCES)
    .map((entry) => entry.instance);
}

/**
 * The evidence in plain words for a failure cause: the failed activities' messages, then the
 * first console tail (lines joined with " | "). Empty when AWS said nothing.
 */
export function explainFailure(evidence: FailureEvidence): string {
  const parts: string[] = [];
  for (const activity of evidence.activities) parts.push(`Auto Scaling activity ${activity.status} at ${activity.at}: ${activity.message}`);
  const first = evidence.console.find((entry) => entry.tail.length > 0);
  if (first) parts.push(`Console of ${first.instanceId} (last ${first.tail.length} lines): ${first.tail.join(" | ")}`);
  else if (evidence.console[0]?.unavailable) parts.push(`Console of ${evidence.console[0].instanceId} not readable (${evidence.console[0].unavailable})`);
  return parts.join(". ");
}
