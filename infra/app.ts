// The CDK app: `npm run synth` / `npx cdk deploy`. Reads gantry.config.ts (or $GANTRY_CONFIG),
// bundles every Lambda with the same esbuild build as `npm run build`, and checks the result
// against cdk-nag's AwsSolutions pack on every synth.
import "../local/quiet-sdk.js";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { App, Validations } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { AwsSolutionsChecks } from "cdk-nag";
import { loadConfigFile } from "../functions/config/load.js";
import { fleetStackName } from "../functions/core/config/fleet-outputs.js";
import { DEFAULT_STACK_NAME } from "../functions/core/config/stack-outputs.js";
import { buildFunctions } from "../scripts/build.mjs";
import { deployRegion } from "./deploy-region.js";
import { exampleFleetFromContext } from "./fleet-context.js";
import { FleetStack } from "./stacks/fleet-stack.js";
import { GantryStack } from "./stacks/gantry-stack.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const configFile = process.env.GANTRY_CONFIG ?? join(root, "gantry.config.ts");
const config = await loadConfigFile(configFile);
// The webhook and power functions carry the same configuration the stack is built from.
const { outdir } = await buildFunctions({ outdir: join(root, "dist", "functions"), configFile });

const app = new App();
// Before any environment is configured (a new account's first deploy), gantry goes to the profile's region.
const region = deployRegion(config, process.env.CDK_DEFAULT_REGION);
new GantryStack(app, String(app.node.tryGetContext("stackName") ?? DEFAULT_STACK_NAME), {
  config,
  code: (dir) => lambda.Code.fromAsset(join(outdir, dir)),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
  description: "gantry: push-to-deploy for EC2 Auto Scaling groups on Step Functions",
});
// The example fleet for examples/hello-app. No account in its env: the zones are Fn::GetAZs, so
// synth needs no lookup and no credentials (an existing VPC comes by ids, see fleet-context.ts).
const fleet = exampleFleetFromContext((key) => app.node.tryGetContext(key));
new FleetStack(app, fleetStackName(fleet.app, fleet.env), {
  fleet,
  env: { region },
  description: `gantry example fleet: ${fleet.app}/${fleet.env} behind a load balancer, ready for gantry's deploys`,
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
