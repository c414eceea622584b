import { describe, expect, it } from "vitest";
import { parseConfig } from "../../functions/core/config/config.js";
import example from "../../gantry.config.js";
import { deployRegion } from "../../infra/deploy-region.js";
import { synthGantry } from "./synth.js";

const empty = parseConfig({ apps: {} });

describe("deployRegion", () => {
  it("is the region every configured environment names, whatever the fallback", () => {
    expect(deployRegion(parseConfig(example), "us-east-2")).toBe("eu-west-1");
  });

  it("falls back to the profile's region before any environment is configured, and fails without one", () => {
    expect(deployRegion(empty, "us-east-2")).toBe("us-east-2");
    expect(() => deployRegion(empty)).toThrow(/configures no environment, so there is no region to deploy gantry into/);
  });
});

describe("GantryStack before any app is configured", () => {
  it("synthesizes with its webhook and state machines, and nothing to deploy to yet", () => {
    const { template, nag } = synthGantry({ config: empty });

    template.hasOutput("WebhookUrl", {});
    template.resourceCountIs("AWS::StepFunctions::StateMachine", 2);
    expect(nag.violations).toEqual([]);
  });
});
