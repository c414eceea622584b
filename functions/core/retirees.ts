import type { ObservedInstance } from "./fleet.js";

/**
 * Picks `count` instances to take out of service, balanced across Availability Zones: each pick
 * comes from the zone with the most candidates left, so the zones stay even as a batch leaves
 * (AWS balances launches the same way). Within a zone, instances that are not serving go first,
 * then the oldest.
 */
export function chooseRetirees(
  candidates: readonly ObservedInstance[],
  count: number,
  isServing: (instance: ObservedInstance) => boolean,
): ObservedInstance[] {
  const byZone = new Map<string, ObservedInstance[]>();
  for (const instance of candidates) {
    const zone = byZone.get(instance.availabilityZone);
    if (zone) zone.push(instance);
    else byZone.set(instance.availabilityZone, [instance]);
  }
  const rank = (instance: ObservedInstance) => (isServing(instance) ? 1 : 0);
  for (const zone of byZone.values()) {
    zone.sort((a, b) => rank(a) - rank(b) || (a.launchedAt ?? 0) - (b.launchedAt ?? 0) || a.id.localeCompare(b.id));
  }
  const zones = [...byZone.entries()].map(([name, list]) => ({ name, list, next: 0 }));
  const chosen: ObservedInstance[] = [];
  while (chosen.length < count) {
    let best: (typeof zones)[number] | undefined;
    for (const zone of zones) {
      const left = zone.list.length - zone.next;
      if (left > 0 && (!best || left > best.list.length - best.next || (left === best.list.length - best.next && zone.name < best.name))) {
        best = zone;
      }
    }
    if (!best) break;
    chosen.push(best.list[best.next++] as ObservedInstance);
  }
  return chosen;
}
