import type { GetServiceQuotaCommandInput, GetServiceQuotaCommandOutput } from "@aws-sdk/client-service-quotas";
import { CloudFault } from "./errors.js";
import type { Ids } from "./ids.js";
import { onlyParameters, type Operations, type Result } from "./operations.js";

/** Service Quotas' code for ELB's "Targets per Target Group per Region" (instances or IP addresses). */
export const TARGETS_PER_TARGET_GROUP_CODE = "L-A0D0B863";

/**
 * Service Quotas, for the one quota gantry reads: the account's targets per target group, which
 * is also the `maxTargets` every target group created without its own gets. Any other quota is
 * `NoSuchResourceException`, as Service Quotas answers for a code it does not know.
 */
export function serviceQuotaOperations(ids: Ids, targetsPerTargetGroup: () => number): Operations {
  return {
    GetServiceQuota(input: GetServiceQuotaCommandInput): Result<GetServiceQuotaCommandOutput> {
      onlyParameters("servicequotas", "GetServiceQuota", input, ["ServiceCode", "QuotaCode"]);
      if (input.ServiceCode !== "elasticloadbalancing" || input.QuotaCode !== TARGETS_PER_TARGET_GROUP_CODE) {
        throw new CloudFault(
          "NoSuchResourceException",
          `The request failed because the specified quota ${input.ServiceCode ?? ""}/${input.QuotaCode ?? ""} does not exist.`,
        );
      }
      return {
        Quota: {
          ServiceCode: "elasticloadbalancing",
          ServiceName: "Elastic Load Balancing (ELB)",
          QuotaArn: `arn:aws:servicequotas:${ids.region}:${ids.accountId}:elasticloadbalancing/${TARGETS_PER_TARGET_GROUP_CODE}`,
          QuotaCode: TARGETS_PER_TARGET_GROUP_CODE,
          QuotaName: "Targets per Target Group per Region",
          Value: targetsPerTargetGroup(),
          Unit: "None",
          Adjustable: true,
          GlobalQuota: false,
        },
      };
    },
  };
}
