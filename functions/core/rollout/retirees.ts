import type { ObservedInstance } from "../fleet.js";

/**
 * Picks `count` instances to take out of service, balanced across Availability Zones: each pick
 * comes from the zone with the most candidates left, so the zones stay even as a batch leaves
 * (AWS balances launches the same way). Within a zone, instances that are not serving go first,
 * then the oldest; between zones with as many left, the one whose next instance comes first in
 * that order, so a cycle takes the oldest instances first as far as zone balance allows.
 */
export function chooseRetirees(candidates: readonly ObservedInstance[], count: number, isServing: (instance: ObservedInstance) => boolean): ObservedInstance[] {
  const byZone = new Map<string, ObservedInstance[]>();
  for (const instance of candidates) {
    const zone = byZone.get(instance.availabilityZone);
    if (zone) zone.push(instance);
    else byZone.set(instance.availabilityZone, [instance]);
  }
  const rank = (instance: ObservedInstance) => (isServing(instance) ? 1 : 0);
  const order = (a: ObservedInstance, b: ObservedInstance) => rank(a) - rank(b) || (a.launchedAt ?? 0) - (b.launchedAt ?? 0) || a.id.localeCompare(b.id);
  for (const zone of byZone.values()) zone.sort(order);
  const zones = [...byZone.entries()].map(([name, list]) => ({ name, list, next: 0 }));
  const chosen: ObservedInstance[] = [];
  while (chosen.length < count) {
    let best: (typeof zones)[number] | undefined;
    for (const zone of zones) {
      const left = zone.list.length - zone.next;
      const bestLeft = best ? best.list.length - best.next : 0;
      const firstInOrder = () => order(zone.list[zone.next] as ObservedInstance, best?.list[best.next] as ObservedInstance) < 0;
      if (left > 0 && (!best || left > bestLeft || (left === bestLeft && firstInOrder()))) {
        best = zone;
      }
    }
    if (!best) break;
    chosen.push(best.list[best.next++] as ObservedInstance);
  }
  return chosen;
}

/**
 * The candidates that may leave service now: every one that serves nothing, and of those that
 * serve, no more than `spare` (how far serving instances are above the floor), in their order.
 */
export function withinSpare<T>(candidates: readonly T[], isServing: (candidate: T) => boolean, spare: number): T[] {
  let left = spare;
  return candidates.filter((candidate) => {
    if (!isServing(candidate)) return true;
    if (left <= 0) return false;
    left--;
    return true;
  });
}
