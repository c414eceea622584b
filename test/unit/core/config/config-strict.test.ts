import { describe, expect, it } from "vitest";
import { gantryConfigSchema, type GantryConfigInput } from "../../../../functions/core/config/config.js";
import { strategySchema } from "../../../../functions/core/config/input.js";
import { editDistance, nearestWord } from "../../../../functions/core/config/validation.js";
import { rejection } from "./config-rejection.js";

const TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1";
const prod = { branch: "main", region: "eu-west-1", group: { autoScalingGroupName: "hello-prod", targetGroupArns: [TG] } };
const withProd = (extra: Record<string, unknown>) =>
  ({ apps: { hello: { repository: "octo-org/hello", environments: { prod: { ...prod, ...extra } } } } }) as GantryConfigInput;

describe("parseConfig, strict keys", () => {
  it("rejects a misspelt strategy key, naming its path and the key meant", () => {
    expect(rejection(withProd({ strategy: { bakeSecs: 30 } }))).toContain(
      'apps.hello.environments.prod.strategy.bakeSecs is not a known key: did you mean "bakeSeconds"?',
    );
  });

  it("rejects a misspelt environment key", () => {
    const message = rejection({ apps: { hello: { repository: "octo-org/hello", environments: { prod: { ...prod, brnch: "main" } } } } });
    expect(message).toContain('apps.hello.environments.prod.brnch is not a known key: did you mean "branch"?');
  });

  it("rejects a misspelt top-level key", () => {
    const message = rejection({ appz: {}, ...withProd({}) });
    expect(message).toContain('appz is not a known key: did you mean "apps"?');
  });

  it("lists the known keys when none is near", () => {
    const message = rejection(withProd({ gates: { alarms: [], webhooks: true } }));
    expect(message).toContain("apps.hello.environments.prod.gates.webhooks is not a known key (known here: http, alarms)");
  });

  it("rejects unknown keys in schedules, their targets and cycling", () => {
    const message = rejection({
      ...withProd({ cycling: { maxAge: "14d", schedule: { cron: "cron(0 3 ? * SUN *)", timezone: "Europe/London", tz: "x" }, batchsize: 1 } }),
      schedules: { office: { timezone: "Europe/London", on: "08:00", off: "18:00", targets: [{ tag: "a=b", hourlyPrise: 1 }] } },
    });
    expect(message).toContain('apps.hello.environments.prod.cycling.batchsize is not a known key: did you mean "batchSize"?');
    expect(message).toContain("apps.hello.environments.prod.cycling.schedule.tz is not a known key");
    expect(message).toContain('schedules.office.targets[0].hourlyPrise is not a known key: did you mean "hourlyPrice"?');
  });

  it("shares one strategy schema with the execution input", () => {
    const environment = gantryConfigSchema.shape.apps.valueType.shape.environments.valueType;
    expect(environment.shape.strategy.unwrap()).toBe(strategySchema);
  });
});

describe("nearestWord", () => {
  it("finds a typo's word and refuses a word too far from any", () => {
    expect(editDistance("bakeSecs", "bakeSeconds")).toBe(3);
    expect(nearestWord("brnch", ["branch", "region"])).toBe("branch");
    expect(nearestWord("colour", ["branch", "region"])).toBeUndefined();
  });
});
