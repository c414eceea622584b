import { defineConfig } from "./functions/core/config/config.js";

/**
 * The example configuration: the hello app deploys `main` to prod and `staging` to staging.
 * The same file drives the Lambdas (bundled into them), the CLI and the infrastructure.
 * The office-hours schedule runs a jumpbox and a dev fleet on an Israeli work week (Sunday to
 * Thursday, 08:00–18:00 Jerusalem time), off on the first and last days of Passover 2026.
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
          // No instance lives longer than two weeks: every Sunday at 03:00 London time, those
          // launched more than 14 days before are replaced, one at a time, on the same release.
          cycling: { maxAge: "14d", schedule: { cron: "cron(0 3 ? * SUN *)", timezone: "Europe/London" }, batchSize: 1 },
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
  // /gantry in Slack: these members, in these channels (ids from Slack's profile and channel details).
  chat: { slack: { users: ["U024BE7LH"], channels: ["C2147483705"] } },
  // The HTTP gate (prod's gates.http) runs in the fleet's VPC to reach the instances' private
  // addresses: these are the GateSubnetIds and GateSecurityGroupId outputs of its fleet stack.
  infrastructure: {
    vpc: { subnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], securityGroupIds: ["sg-0a1b2c3d4e5f60003"] },
  },
  schedules: {
    "office-hours": {
      timezone: "Asia/Jerusalem",
      workWeek: "SUN-THU",
      on: "08:00",
      off: "18:00",
      holidays: ["2026-04-02", "2026-04-08"],
      targets: [
        // A t2.medium jumpbox at the on-demand price of $0.0464/h; the dev group runs four of them.
        { tag: "gantry:schedule=office-hours", hourlyPrice: 0.0464, dns: { hostedZoneId: "Z0123456789ABCDEFGHIJ", recordName: "jumpbox.dev.example.com" } },
        { autoScalingGroup: "hello-dev", hourlyPrice: 0.1856 },
      ],
    },
  },
});
