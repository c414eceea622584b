/**
 * The fleet over time, as the console charts it: at each moment, how many instances of each
 * release are in each lifecycle state, how many serve, and the capacity floor the deploy keeps.
 * Samples come from watching the local cloud while a deploy runs in this process, or, for an
 * execution the console did not watch (another terminal's, or one on AWS), from the fleet line
 * every step writes in its report (`functions/core/fleet.ts`, `describeFleet`).
 */
export interface FleetSample {
  /** Epoch ms on the execution's clock. */
  at: number;
  desired: number;
  serving: number;
  /** Instances by "<release> <lifecycle state>", e.g. "v2 InService". */
  counts: Record<string, number>;
}

/** The instances of a group as the local cloud's snapshot shows them (only what a sample reads). */
export interface ObservedGroup {
  desiredCapacity: number;
  serving: number;
  instances: { release: string | undefined; lifecycle: string }[];
}

/** One sample of a group as observed now; `Pending:Wait` and `Pending` count as one state. */
export function sampleGroup(group: ObservedGroup, at: number): FleetSample {
  const counts: Record<string, number> = {};
  for (const instance of group.instances) {
    const key = `${instance.release ?? "untagged"} ${instance.lifecycle.split(":")[0]}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return { at, desired: group.desiredCapacity, serving: group.serving, counts };
}

/**
 * Reads the fleet part of a step's report ("…; desired 5, 1 on v2 (1 healthy), 4 on v1 in
 * service, 5 serving"). Releases the line names only as "old" take `previous`. Undefined when
 * the report carries no fleet line.
 */
export function sampleFromReport(report: string, at: number, previous = "old"): FleetSample | undefined {
  const fleet = report.split("; ").find((part) => /^desired \d+/.test(part));
  if (!fleet) return undefined;
  const sample: FleetSample = { at, desired: 0, serving: 0, counts: {} };
  const add = (key: string, n: number) => (sample.counts[key] = (sample.counts[key] ?? 0) + n);
  const name = (label: string) => (label === "old" ? previous : label.replace(/^on /, ""));
  for (const part of fleet.split(", ")) {
    let match: RegExpExecArray | null;
    if ((match = /^desired (\d+)$/.exec(part))) sample.desired = Number(match[1]);
    else if ((match = /^(\d+) serving$/.exec(part))) sample.serving = Number(match[1]);
    else if ((match = /^(\d+) terminating$/.exec(part))) add("leaving Terminating", Number(match[1]));
    else if ((match = /^(\d+) (.+) in Standby$/.exec(part))) add(`${name(match[2] as string)} Standby`, Number(match[1]));
    else if ((match = /^(\d+) (.+) draining$/.exec(part))) add(`${name(match[2] as string)} EnteringStandby`, Number(match[1]));
    else if ((match = /^(\d+) (.+) in service$/.exec(part))) add(`${name(match[2] as string)} InService`, Number(match[1]));
    else if ((match = /^(\d+) (.+) \((\d+) healthy\)$/.exec(part))) add(`${name(match[2] as string)} InService`, Number(match[1]));
  }
  return sample;
}

/** Chart data in uPlot's shape: x in seconds since `startedAt`, then one row per series, zero where a series has no instances. */
export interface FleetChart {
  labels: string[];
  /** [x, ...one row per label]; the last rows are "serving" and, once the plan set it, "capacity floor". */
  data: number[][];
}

/** A sample taken as the deploy got its name, before its clock started, is drawn at its start. */
export function fleetChart(samples: readonly FleetSample[], startedAt: number, floor: number | undefined): FleetChart {
  const keys = [...new Set(samples.flatMap((sample) => Object.keys(sample.counts)))].sort();
  const x = samples.map((sample) => Math.round((Math.max(sample.at, startedAt) - startedAt) / 100) / 10);
  const rows = keys.map((key) => samples.map((sample) => sample.counts[key] ?? 0));
  const serving = samples.map((sample) => sample.serving);
  if (floor === undefined) return { labels: [...keys, "serving"], data: [x, ...rows, serving] };
  return { labels: [...keys, "serving", "capacity floor"], data: [x, ...rows, serving, samples.map(() => floor)] };
}
