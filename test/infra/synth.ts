import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { AwsSolutionsChecks } from "cdk-nag";
import type { PolicyValidationPluginReport } from "aws-cdk-lib";
import { GantryStack, type GantryStackProps } from "../../infra/stacks/gantry-stack.js";

/**
 * Synthesizes gantry's stack the way infra/app.ts does, except that each function's code is a
 * one-line stand-in (bundling is `npm run synth`'s job; esbuild takes seconds per run), and
 * runs cdk-nag's AwsSolutions pack over it.
 */
export function synthGantry(props: Omit<GantryStackProps, "code">): { stack: GantryStack; template: Template; nag: PolicyValidationPluginReport } {
  const app = new App();
  const stack = new GantryStack(app, "Gantry", {
    ...props,
    code: () => lambda.Code.fromInline("export const handler = async () => ({});"),
    env: { region: "eu-west-1" },
  });
  const template = Template.fromStack(stack);
  const nag = new AwsSolutionsChecks().validateScope(app);
  return { stack, template, nag };
}

export interface PolicyStatementJson {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

/** Every statement of every policy in the template, with the logical id of its policy. */
export function policyStatements(template: Template): { policy: string; statement: PolicyStatementJson }[] {
  return Object.entries(template.findResources("AWS::IAM::Policy")).flatMap(([policy, resource]) =>
    (resource as { Properties: { PolicyDocument: { Statement: PolicyStatementJson[] } } }).Properties.PolicyDocument.Statement.map((statement) => ({
      policy,
      statement,
    })),
  );
}

export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
