/**
 * Deterministic AWS-shaped identifiers: the same scenario yields the same ids on every run, so a
 * failing simulation can be replayed and its output compared line by line.
 */
export class Ids {
  private readonly counters = new Map<string, number>();

  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  private next(kind: string): number {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return n;
  }

  /** `i-` and 17 hex digits, as EC2 instance ids are; counter-based, so ids sort by launch. */
  instance(): string {
    return `i-${hex(this.next("instance"), 17)}`;
  }

  launchTemplate(): string {
    return `lt-${hex(this.next("launchTemplate"), 17)}`;
  }

  reservation(): string {
    return `r-${hex(this.next("reservation"), 17)}`;
  }

  /** A private address in 10.0.0.0/8, one per instance. */
  privateIp(): string {
    const n = this.next("ip");
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  }

  /** A public address in 198.51.100.0/24 and 203.0.113.0/24 (documentation ranges): a new one at each start. */
  publicIp(): string {
    const n = this.next("publicIp") - 1;
    return `${n < 254 ? "198.51.100" : "203.0.113"}.${(n % 254) + 1}`;
  }

  /** A Route 53 change id, `C` and 13 characters, as Route 53 writes them. */
  changeId(): string {
    return `C${hex(this.next("change"), 13).toUpperCase()}`;
  }

  targetGroupArn(name: string): string {
    const suffix = hex(this.next("targetGroup"), 16);
    return `arn:aws:elasticloadbalancing:${this.region}:${this.accountId}:targetgroup/${name}/${suffix}`;
  }

  loadBalancerArn(name: string): string {
    const suffix = hex(this.next("loadBalancer"), 16);
    return `arn:aws:elasticloadbalancing:${this.region}:${this.accountId}:loadbalancer/app/${name}/${suffix}`;
  }

  autoScalingGroupArn(name: string): string {
    return `arn:aws:autoscaling:${this.region}:${this.accountId}:autoScalingGroup:${this.uuid()}:autoScalingGroupName/${name}`;
  }

  alarmArn(name: string): string {
    return `arn:aws:cloudwatch:${this.region}:${this.accountId}:alarm:${name}`;
  }

  /** UUID-shaped, as AWS request and activity ids are; one sequence, so no two are equal. */
  uuid(): string {
    return `00000000-0000-4000-8000-${hex(this.next("uuid"), 12)}`;
  }
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}
