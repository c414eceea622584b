import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidConfigError } from "../core/errors.js";
import { parseConfig, type GantryConfig } from "../core/config/config.js";

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
    loaded = (await importModule(absolute)) as { default?: unknown };
  } catch (error) {
    throw new InvalidConfigError(`Could not load ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // A config compiled as CommonJS (no "type": "module" around it) nests its default export once more.
  const exported = isInterop(loaded.default) ? loaded.default.default : loaded.default;
  if (exported === undefined) throw new InvalidConfigError(`${path} has no default export; end it with: export default defineConfig({ … })`);
  return parseConfig(exported, path);
}

function isInterop(value: unknown): value is { default: unknown } {
  return typeof value === "object" && value !== null && Object.keys(value).length === 1 && "default" in value;
}

/**
 * TypeScript configs go through tsx as ES modules whatever the surrounding package says (a
 * `.ts` file outside a `"type": "module"` package would otherwise load as CommonJS and fail on
 * its imports). tsx is imported only here, when a config is loaded: the Lambdas never are.
 */
async function importModule(absolute: string): Promise<unknown> {
  if (!/\.[cm]?ts$/.test(absolute)) return import(pathToFileURL(absolute).href);
  const { tsImport } = await import("tsx/esm/api");
  return tsImport(pathToFileURL(absolute).href, import.meta.url);
}
