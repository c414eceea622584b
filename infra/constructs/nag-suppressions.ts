import { Stack, Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import type { Grant } from "./capability-statements.js";

/**
 * cdk-nag acknowledgements, each with its reason, each for one finding: a wildcard resource is
 * acknowledged by its exact text, so a new wildcard shows up as a finding until someone says
 * why it is the point.
 */

export const WHY_XRAY =
  "X-Ray trace writes (xray:PutTraceSegments, xray:PutTelemetryRecords) have no resource-level permissions: * is the only resource IAM accepts.";
export const WHY_LOG_DELIVERY =
  "Step Functions execution logging goes through CloudWatch Logs vended-log delivery (logs:CreateLogDelivery, logs:DescribeResourcePolicies, …), whose actions accept only *.";
export const WHY_RUNTIME =
  "nodejs22.x is the runtime gantry is built and tested for (esbuild target node22, engines in package.json); moving to a newer runtime is a deliberate, tested upgrade.";

/** Acknowledges every wildcard resource of `grants` on `owner` (a role), plus `*` for the `starReasons` given. */
export function acknowledgeWildcards(owner: IConstruct, grants: readonly Grant[], starReasons: readonly string[] = []): void {
  const reasons = new Map<string, Set<string>>();
  const add = (resource: string, reason: string): void => {
    reasons.set(resource, (reasons.get(resource) ?? new Set()).add(reason));
  };
  for (const reason of starReasons) add("*", reason);
  for (const grant of grants) {
    for (const resource of grant.statement.resources) {
      if (!resource.includes("*")) continue;
      if (!grant.wildcardReason)
        throw new Error(`Statement ${grant.statement.sid ?? "(no sid)"} allows ${resource} without saying why: give it a wildcardReason.`);
      add(renderForNag(owner, resource), grant.wildcardReason);
    }
  }
  for (const [resource, why] of reasons) {
    Validations.of(owner).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason: [...why].join(" ") });
  }
}

/** Acknowledges the runtime finding on a function. */
export function acknowledgeRuntime(fn: IConstruct): void {
  Validations.of(fn).acknowledge({ id: "AwsSolutions-L1", reason: WHY_RUNTIME });
}

/** A resource as cdk-nag names it in a finding: `{ Ref: "AWS::Partition" }` becomes `<AWS::Partition>`. */
function renderForNag(scope: IConstruct, resource: string): string {
  const render = (value: unknown): string => {
    if (typeof value === "string") return value;
    if (value && typeof value === "object") {
      const object = value as Record<string, unknown>;
      if (typeof object.Ref === "string") return `<${object.Ref}>`;
      const getAtt = object["Fn::GetAtt"];
      if (Array.isArray(getAtt)) return `<${getAtt.join(".")}>`;
      const join = object["Fn::Join"];
      if (Array.isArray(join)) return (join[1] as unknown[]).map(render).join(join[0] as string);
    }
    return JSON.stringify(value);
  };
  return render(Stack.of(scope).resolve(resource));
}
