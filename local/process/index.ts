import { ProcessDriver, type ProcessDriverOptions } from "./driver.js";

export { ProcessDriver, DEFAULT_APP_DIR } from "./driver.js";
export type { ProcessDriverOptions } from "./driver.js";
export { AppProcess } from "./app-process.js";
export type { AppProcessOptions } from "./app-process.js";
export { httpGet } from "./http-get.js";
export type { Address } from "./http-get.js";

/**
 * A driver whose instances are real processes of the example app, for
 * `new LocalCloud({ clock, driver: () => driver })` with the same clock (a ScaledClock, so
 * AWS-sized intervals pass quickly). Call `stopAll()` when done: it ends every process.
 */
export function createProcessDriver(options: ProcessDriverOptions): ProcessDriver {
  return new ProcessDriver(options);
}
