import type { Service } from "./errors.js";

/**
 * A token bucket on the cloud's clock: `capacity` tokens, refilled at `perSecond`. EC2 meters
 * its API this way ("request token bucket"), and its launches too (RunInstances' resource
 * bucket); Auto Scaling and ELB publish no rates, so the same shape stands in for them.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    readonly capacity: number,
    readonly perSecond: number,
    start: number,
  ) {
    this.tokens = capacity;
    this.at = start;
  }

  private refill(now: number): void {
    if (now > this.at) this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = Math.max(this.at, now);
  }

  /** Takes a token if there is one now; false when the bucket is empty. */
  tryTake(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /**
   * Reserves the next token, however far ahead it is: milliseconds from `now` until it is there
   * (0 when one is there now). Later reservations queue behind earlier ones.
   */
  reserve(now: number): number {
    this.refill(now);
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.perSecond) * 1000);
  }

  /** Takes up to `wanted` whole tokens that are there now; returns how many it took. */
  takeUpTo(wanted: number, now: number): number {
    this.refill(now);
    const taken = Math.max(0, Math.min(wanted, Math.floor(this.tokens)));
    this.tokens -= taken;
    return taken;
  }
}

/** A bucket's size and refill rate. */
export interface BucketRate {
  capacity: number;
  perSecond: number;
}

/**
 * API and launch rates, opt-in per cloud (none by default, so scenarios that do not ask for them
 * behave as before). `whenEmpty` says how an empty bucket shows:
 * - "wait": the call is answered once a token is there, the cloud's clock moving on meanwhile:
 *   what the SDK's own backoff and retries achieve on AWS, which do not run locally.
 * - "throttle": the call fails at once with EC2's `RequestLimitExceeded` (Auto Scaling and ELB:
 *   `Throttling`), as if the SDK had used up its attempts: gantry's own backoff (the state
 *   machine's Retry on AwsThrottledError) is what is exercised.
 */
export interface ApiRates {
  /** Describe*, Get*, List* calls per service (EC2: bucket 100, 20 per second). */
  reads: BucketRate;
  /** Every other call per service (EC2: bucket 200, 5 per second). */
  writes: BucketRate;
  /** Instances Auto Scaling may launch (EC2's RunInstances resource bucket: 1,000, then 2 per second). */
  launches: BucketRate;
  whenEmpty: "wait" | "throttle";
}

/** EC2's published request and launch buckets. */
export const EC2_RATES: ApiRates = {
  reads: { capacity: 100, perSecond: 20 },
  writes: { capacity: 200, perSecond: 5 },
  launches: { capacity: 1000, perSecond: 2 },
  whenEmpty: "wait",
};

/** Services whose calls are metered; CloudWatch, Route 53 and Service Quotas are not (gantry calls them a few times per run). */
const METERED: ReadonlySet<Service> = new Set<Service>(["ec2", "autoscaling", "elbv2"]);

/** The request buckets of every metered service, and what an empty one answers. */
export class ApiMeter {
  private readonly buckets = new Map<string, TokenBucket>();
  /** Calls that found their bucket empty, and the time they waited in all. */
  throttled = 0;
  waitedMs = 0;

  constructor(readonly rates: ApiRates) {}

  /**
   * Admits one call at `now`: the milliseconds it must wait ("wait"), `undefined` for a call
   * that is refused ("throttle"), or 0.
   */
  admit(service: Service, operation: string, now: number): number | undefined {
    if (!METERED.has(service)) return 0;
    const kind = /^(Describe|Get|List)/.test(operation) ? "reads" : "writes";
    const key = `${service}:${kind}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.rates[kind].capacity, this.rates[kind].perSecond, now);
      this.buckets.set(key, bucket);
    }
    if (this.rates.whenEmpty === "throttle") {
      if (bucket.tryTake(now)) return 0;
      this.throttled++;
      return undefined;
    }
    const wait = bucket.reserve(now);
    if (wait > 0) {
      this.throttled++;
      this.waitedMs += wait;
    }
    return wait;
  }
}

/** The error code AWS answers a throttled call of `service` with. */
export function throttlingCode(service: Service): string {
  return service === "ec2" ? "RequestLimitExceeded" : "Throttling";
}
