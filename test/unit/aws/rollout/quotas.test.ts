import { AccessDeniedException, GetServiceQuotaCommand, NoSuchResourceException, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { readTargetQuota, TARGETS_PER_TARGET_GROUP_QUOTA_CODE } from "../../../../functions/aws/rollout/quotas.js";

const quotas = mockClient(ServiceQuotasClient);

afterEach(() => {
  quotas.reset();
});

describe("readTargetQuota", () => {
  it("reads the account's targets-per-target-group quota from Service Quotas", async () => {
    quotas.on(GetServiceQuotaCommand).resolves({
      Quota: {
        ServiceCode: "elasticloadbalancing",
        QuotaCode: TARGETS_PER_TARGET_GROUP_QUOTA_CODE,
        QuotaName: "Targets per Target Group per Region",
        Value: 2500,
        Adjustable: true,
      },
    });

    const quota = await readTargetQuota();

    expect(quota).toEqual({ value: 2500, source: "service-quotas" });
    expect(quotas).toHaveReceivedCommandWith(GetServiceQuotaCommand, { ServiceCode: "elasticloadbalancing", QuotaCode: "L-A0D0B863" });
  });

  it("falls back to the default of 1,000 with a note naming the error when the read is denied", async () => {
    quotas
      .on(GetServiceQuotaCommand)
      .rejects(new AccessDeniedException({ message: "not authorized to perform servicequotas:GetServiceQuota", $metadata: { httpStatusCode: 400 } }));

    const quota = await readTargetQuota();

    expect(quota.value).toBe(1000);
    expect(quota.source).toBe("default");
    expect(quota.note).toMatch(/AccessDeniedException: not authorized.*assumed the default of 1000/);
  });

  it("falls back to the default when the quota does not exist in the region", async () => {
    quotas
      .on(GetServiceQuotaCommand)
      .rejects(
        new NoSuchResourceException({ message: "The request failed because the specified service does not exist.", $metadata: { httpStatusCode: 400 } }),
      );

    await expect(readTargetQuota()).resolves.toMatchObject({ value: 1000, source: "default", note: expect.stringContaining("NoSuchResourceException") });
  });

  it("falls back to the default when the answer carries no value", async () => {
    quotas.on(GetServiceQuotaCommand).resolves({ Quota: { QuotaCode: TARGETS_PER_TARGET_GROUP_QUOTA_CODE } });

    await expect(readTargetQuota()).resolves.toMatchObject({ value: 1000, source: "default" });
  });
});
