import { parseConfig, type GantryConfig } from "../core/config.js";
import bundled from "../../gantry.config.js";

/**
 * The configuration the power steps read their schedule from. esbuild bundles the root
 * `gantry.config.ts` into the Lambda; it is parsed on first use and kept for the container's
 * life. Local mode and tests pass another with `usePowerConfig`.
 */
let config: GantryConfig | undefined;

export function powerConfig(): GantryConfig {
  config ??= parseConfig(bundled);
  return config;
}

export function usePowerConfig(next: GantryConfig): void {
  config = next;
}
