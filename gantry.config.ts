import { defineConfig } from "./functions/core/config.js";

/**
 * The example configuration: the hello app deploys `main` to prod and `staging` to staging.
 * The same file drives the Lambdas (bundled into them), the CLI and the infrastructure.
 */
export default defineConfig({
  apps: {
    hello: {
      repository: "octo-org/hello",
      environments: {
        prod: {
          branch: "main",
          region: "eu-west-1",
          group: {
            autoScalingGroupName: "hello-prod",
            targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/hello-prod-1/0000000000000001"],
          },
          strategy: { batches: [1, "25%", "100%"], minHealthyPercent: 100, bakeSeconds: 60 },
          gates: { http: { port: 8080, healthPath: "/health", versionPath: "/version" }, alarms: [] },
        },
        staging: {
          branch: "staging",
          region: "eu-west-1",
          group: {
            autoScalingGroupName: "hello-staging",
            targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/hello-staging-1/0000000000000002"],
          },
          strategy: { batches: ["50%"], bakeSeconds: 30 },
        },
      },
    },
  },
});
