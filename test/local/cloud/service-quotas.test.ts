import { GetServiceQuotaCommand, NoSuchResourceException, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../local/clock.js";
import { attachLocalCloud, LocalCloud } from "../../../local/cloud/index.js";
import { AMI_V1, ZONES } from "./fixtures.js";

function quotasClient(cloud: LocalCloud): ServiceQuotasClient {
  return attachLocalCloud(new ServiceQuotasClient({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } }), cloud);
}

const TARGETS_PER_TARGET_GROUP = { ServiceCode: "elasticloadbalancing", QuotaCode: "L-A0D0B863" };

describe("GetServiceQuota", () => {
  it("answers the targets-per-target-group quota with the default of 1,000", async () => {
    const cloud = new LocalCloud({ clock: new VirtualClock() });

    const out = await quotasClient(cloud).send(new GetServiceQuotaCommand(TARGETS_PER_TARGET_GROUP));

    expect(out.Quota).toMatchObject({ QuotaCode: "L-A0D0B863", QuotaName: "Targets per Target Group per Region", Value: 1000, Adjustable: true });
  });

  it("answers the account's raised quota, which target groups created without their own limit enforce", async () => {
    const cloud = new LocalCloud({ clock: new VirtualClock(), targetsPerTargetGroup: 3 });
    const launchTemplateId = cloud.createLaunchTemplate({ name: "hello", imageId: AMI_V1 });
    const targetGroupArn = cloud.createTargetGroup({ name: "hello-prod-web" });

    const out = await quotasClient(cloud).send(new GetServiceQuotaCommand(TARGETS_PER_TARGET_GROUP));

    expect(out.Quota?.Value).toBe(3);
    expect(() =>
      cloud.createGroup({
        name: "hello-prod",
        minSize: 1,
        maxSize: 8,
        desiredCapacity: 4,
        availabilityZones: ZONES,
        targetGroupArns: [targetGroupArn],
        launchTemplateId,
      }),
    ).toThrow(/quota of 3 targets per target group/);
  });

  it("rejects a quota it does not model with NoSuchResourceException", async () => {
    const cloud = new LocalCloud({ clock: new VirtualClock() });

    await expect(quotasClient(cloud).send(new GetServiceQuotaCommand({ ServiceCode: "ec2", QuotaCode: "L-1216C47A" }))).rejects.toBeInstanceOf(
      NoSuchResourceException,
    );
  });

  it("answers an injected AccessDeniedException as the SDK's own class", async () => {
    const cloud = new LocalCloud({ clock: new VirtualClock() });
    cloud.failNext("GetServiceQuota", "AccessDeniedException");

    await expect(quotasClient(cloud).send(new GetServiceQuotaCommand(TARGETS_PER_TARGET_GROUP))).rejects.toMatchObject({ name: "AccessDeniedException" });
  });
});
