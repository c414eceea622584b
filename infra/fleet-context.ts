import type { GantryFleetProps } from "./constructs/gantry-fleet.js";

/**
 * The example fleet's settings from `-c` context, so synth stays offline: an existing VPC is
 * named by ids (`-c vpcId=vpc-… -c availabilityZones=eu-west-1a,eu-west-1b
 * -c publicSubnetIds=subnet-…,subnet-… -c privateSubnetIds=subnet-…,subnet-…`), never looked up
 * with Vpc.fromLookup, which needs credentials or a cdk.context.json. Without `vpcId` the fleet
 * builds its own VPC. `fleetApp`/`fleetEnv` pick the app/env (default hello/prod).
 */
export function exampleFleetFromContext(context: (key: string) => unknown): Omit<GantryFleetProps, "releaseBucket" | "initialRelease"> {
  const text = (key: string) => {
    const value = context(key);
    return value === undefined || value === null || value === "" ? undefined : String(value);
  };
  const list = (key: string) =>
    (text(key) ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
  const vpcId = text("vpcId");
  return {
    app: text("fleetApp") ?? "hello",
    env: text("fleetEnv") ?? "prod",
    // examples/hello-app runs as `node server.mjs`: Amazon Linux 2023's nodejs package provides `node`.
    packages: ["nodejs"],
    ...(vpcId
      ? { vpc: { vpcId, availabilityZones: list("availabilityZones"), publicSubnetIds: list("publicSubnetIds"), privateSubnetIds: list("privateSubnetIds") } }
      : {}),
  };
}
