import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidConfigError } from "../core/errors.js";
import { parseConfig, type GantryConfig } from "../core/config.js";

/**
 * Loads and validates a configuration file (TypeScript or JavaScript, exporting the config as
 * its default export). The CLI runs under tsx, so a `.ts` file imports as it is.
 */
export async function loadConfigFile(path = "gantry.config.ts"): Promise<GantryConfig> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    throw new InvalidConfigError(`No configuration at ${absolute}; create gantry.config.ts (see the README) or pass --config <path>.`);
  }
  let loaded: { default?: unknown };
  try {
    loaded = (await import(pathToFileURL(absolute).href)) as { default?: unknown };
  } catch (error) {
    throw new InvalidConfigError(`Could not load ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (loaded.default === undefined) throw new InvalidConfigError(`${path} has no default export; end it with: export default defineConfig({ … })`);
  return parseConfig(loaded.default, path);
}
