import { GetServiceQuotaCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { TARGETS_PER_GROUP_QUOTA, type TargetQuota } from "../../core/rollout/plan.js";
import { runtime } from "../runtime.js";

/**
 * Service Quotas' code for ELB's "Targets per Target Group per Region" (instances or IP
 * addresses), default 1,000, adjustable. The ALB-wide "Targets per Application Load Balancer"
 * (L-7E6692B2) is not read: a group's target groups may sit behind different load balancers.
 */
export const TARGETS_PER_TARGET_GROUP_QUOTA_CODE = "L-A0D0B863";

/**
 * The account's targets-per-target-group quota in this region. A read that fails (no
 * permission, the quota unknown there, throttled) falls back to the default with a note: the
 * quota only decides how fast a rollback may go, never whether a deploy can run.
 */
export async function readTargetQuota(): Promise<TargetQuota> {
  try {
    const answer = await runtime()
      .client(ServiceQuotasClient)
      .send(new GetServiceQuotaCommand({ ServiceCode: "elasticloadbalancing", QuotaCode: TARGETS_PER_TARGET_GROUP_QUOTA_CODE }));
    const value = answer.Quota?.Value;
    if (value === undefined || !Number.isFinite(value) || value < 1) {
      return {
        value: TARGETS_PER_GROUP_QUOTA,
        source: "default",
        note: `Service Quotas answered no value for ${TARGETS_PER_TARGET_GROUP_QUOTA_CODE}; assumed the default of ${TARGETS_PER_GROUP_QUOTA}`,
      };
    }
    return { value: Math.floor(value), source: "service-quotas" };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      value: TARGETS_PER_GROUP_QUOTA,
      source: "default",
      note: `could not read the targets-per-target-group quota (${reason}); assumed the default of ${TARGETS_PER_GROUP_QUOTA}, so rollback waves may be smaller than the account allows`,
    };
  }
}
