/**
 * Traffic through the local load balancer over time: the load generator's running totals,
 * sampled now and then, turned into requests per second and failures per second. Rates are per
 * real second (what the generator sends); the x axis is the execution's clock, like the fleet's.
 */
export interface TrafficSample {
  /** Epoch ms on the execution's clock. */
  at: number;
  /** `performance.now()` when sampled: the rate's denominator. */
  realMs: number;
  /** Requests finished so far, and how many of them failed. */
  total: number;
  failed: number;
}

export interface TrafficChart {
  labels: ["requests/s", "failed/s"];
  /** [x (seconds since the execution started), requests per second, failures per second]. */
  data: [number[], number[], number[]];
  /** Requests finished and failed within the execution's time. */
  total: number;
  failed: number;
}

/** The samples within [from, to] on the execution's clock, as rates between consecutive samples. */
export function trafficChart(samples: readonly TrafficSample[], from: number, to: number): TrafficChart {
  const inside = samples.filter((sample) => sample.at >= from && sample.at <= to);
  const chart: TrafficChart = { labels: ["requests/s", "failed/s"], data: [[], [], []], total: 0, failed: 0 };
  for (let index = 1; index < inside.length; index++) {
    const before = inside[index - 1] as TrafficSample;
    const now = inside[index] as TrafficSample;
    const seconds = (now.realMs - before.realMs) / 1000;
    if (seconds <= 0) continue;
    chart.data[0].push(Math.round((now.at - from) / 100) / 10);
    chart.data[1].push(Math.round(((now.total - before.total) / seconds) * 10) / 10);
    chart.data[2].push(Math.round(((now.failed - before.failed) / seconds) * 10) / 10);
  }
  const first = inside[0];
  const last = inside.at(-1);
  if (first && last) {
    chart.total = last.total - first.total;
    chart.failed = last.failed - first.failed;
  }
  return chart;
}
