import type { TargetGroupRecord, VirtualInstance } from "./model.js";

/**
 * The zone for the next launch: the one with the fewest counted instances, first listed on a tie.
 * AWS launches so that zones stay balanced ("Amazon EC2 Auto Scaling attempts to distribute
 * instances evenly between the Availability Zones").
 */
export function pickLaunchZone(zones: readonly string[], countedByAz: ReadonlyMap<string, number>): string {
  let best = zones[0];
  if (best === undefined) throw new RangeError("An Auto Scaling group needs at least one Availability Zone");
  for (const zone of zones) {
    if ((countedByAz.get(zone) ?? 0) < (countedByAz.get(best) ?? 0)) best = zone;
  }
  return best;
}

/**
 * The instances a scale-in removes, following the default termination policy: repeatedly take
 * the zone with the most counted instances, and in it the instance on the oldest launch template
 * (another template than the group's, then the lowest version), then the oldest launch.
 */
export function pickScaleInVictims(
  candidates: readonly VirtualInstance[],
  count: number,
  zones: readonly string[],
  currentTemplateId: string,
): VirtualInstance[] {
  const byZone = new Map<string, VirtualInstance[]>(zones.map((z) => [z, []]));
  for (const instance of candidates) {
    const list = byZone.get(instance.availabilityZone) ?? [];
    list.push(instance);
    byZone.set(instance.availabilityZone, list);
  }
  for (const list of byZone.values()) list.sort((a, b) => terminationOrder(a, b, currentTemplateId));
  const victims: VirtualInstance[] = [];
  while (victims.length < count) {
    let fullest: VirtualInstance[] | undefined;
    for (const list of byZone.values()) {
      if (list.length > 0 && (fullest === undefined || list.length > fullest.length)) fullest = list;
    }
    const victim = fullest?.shift();
    if (victim === undefined) break;
    victims.push(victim);
  }
  return victims;
}

function terminationOrder(a: VirtualInstance, b: VirtualInstance, currentTemplateId: string): number {
  const aOther = a.launchTemplate.id === currentTemplateId ? 1 : 0;
  const bOther = b.launchTemplate.id === currentTemplateId ? 1 : 0;
  return aOther - bOther || a.launchTemplate.version - b.launchTemplate.version || a.launchTime - b.launchTime || a.instanceId.localeCompare(b.instanceId);
}

/**
 * The target groups a starting instance joins. "all" is AWS's rule: every group attached to the
 * Auto Scaling group. "spread" puts it only in the attached group with the fewest targets, so a
 * fleet of 5,000 fits five groups under the 1,000-targets quota.
 */
export function pickTargetGroups(attached: TargetGroupRecord[], membership: "all" | "spread"): TargetGroupRecord[] {
  if (membership === "all") return attached;
  let emptiest: TargetGroupRecord | undefined;
  for (const tg of attached) if (emptiest === undefined || tg.targets.size < emptiest.targets.size) emptiest = tg;
  return emptiest === undefined ? [] : [emptiest];
}
