import type { GantryConfig } from "../functions/core/config/config.js";
import { InvalidConfigError } from "../functions/core/errors.js";

/**
 * The one region gantry deploys into: the region of every configured environment. Each Lambda
 * calls AWS in its own region, so groups in two regions would need two gantry stacks. With no
 * environment configured yet, `fallback` (the profile's region the CDK passes) when there is one.
 */
export function deployRegion(config: GantryConfig, fallback?: string): string {
  const regions = [...new Set(Object.values(config.apps).flatMap((app) => Object.values(app.environments).map((environment) => environment.region)))];
  if (regions.length === 1) return regions[0] as string;
  if (regions.length === 0 && fallback) return fallback;
  if (regions.length === 0)
    throw new InvalidConfigError("gantry.config.ts configures no environment, so there is no region to deploy gantry into: add an app with one environment.");
  const where = Object.entries(config.apps).flatMap(([app, settings]) =>
    Object.entries(settings.environments).map(([env, environment]) => `${app}/${env} in ${environment.region}`),
  );
  throw new InvalidConfigError(
    `gantry deploys into one region, but the environments use ${regions.join(", ")} (${where.join(", ")}). Deploy one gantry per region, each with a config naming that region's environments (GANTRY_CONFIG=<file> npx cdk deploy -c stackName=Gantry-<region>).`,
  );
}
