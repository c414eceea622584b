export { startBalancer } from "./balancer.js";
export type { Balancer, BalancerOptions } from "./balancer.js";
export type { BalancerStats } from "./stats.js";
export type { TargetAddresses, TargetHealthSource } from "./targets.js";
