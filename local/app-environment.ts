import { join } from "node:path";
import { SystemClock } from "./clock.js";
import { LocalCloud } from "./cloud/index.js";
import { gantryHome } from "./records.js";

/**
 * The local parameter store, for a local runtime's SSM client: the local cloud's SSM kept in
 * `.gantry/parameters.json` (mode 0600), so `gantry config set --local`, `gantry release create
 * --local` and a local deploy see the same environment. Its clock is the real time: releases
 * made with it are stamped with the real time too.
 */
export function localParameterStore(): { cloud: LocalCloud; clock: SystemClock } {
  const clock = new SystemClock();
  return { cloud: new LocalCloud({ clock, parameterFile: join(gantryHome(), "parameters.json") }), clock };
}
