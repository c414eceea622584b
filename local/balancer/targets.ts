import type { Address } from "../process/http-get.js";

/** Where routing decisions come from: the local cloud's view of a target group (LocalCloud fits). */
export interface TargetHealthSource {
  routableTargets(targetGroupArn: string): string[];
}

/** Where a target's app listens (the process driver fits); undefined while it is not listening. */
export interface TargetAddresses {
  addressOf(instanceId: string): Address | undefined;
}

/** A target chosen for one attempt. */
export interface ChosenTarget {
  instanceId: string;
  address: Address;
}

/**
 * Round-robin over the targets the cloud reports healthy and not draining, asked afresh for
 * every request so a deregistration or a failed health check takes effect on the next one.
 * A target the cloud counts as routable but whose app has no port yet is skipped: there is
 * nothing to connect to.
 */
export class TargetPicker {
  private turn = 0;

  constructor(
    private readonly health: TargetHealthSource,
    private readonly addresses: TargetAddresses,
    private readonly targetGroupArn: string,
  ) {}

  /** Routable targets right now, in the cloud's order. */
  routable(): ChosenTarget[] {
    const chosen: ChosenTarget[] = [];
    for (const instanceId of this.health.routableTargets(this.targetGroupArn)) {
      const address = this.addresses.addressOf(instanceId);
      if (address) chosen.push({ instanceId, address });
    }
    return chosen;
  }

  /** The next routable target not in `tried`, or undefined when none is left. */
  next(tried: ReadonlySet<string>): ChosenTarget | undefined {
    const candidates = this.routable().filter((target) => !tried.has(target.instanceId));
    if (candidates.length === 0) return undefined;
    return candidates[this.turn++ % candidates.length];
  }
}
