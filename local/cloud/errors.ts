import * as autoScaling from "@aws-sdk/client-auto-scaling";
import * as cloudWatch from "@aws-sdk/client-cloudwatch";
import * as ec2 from "@aws-sdk/client-ec2";
import * as elbv2 from "@aws-sdk/client-elastic-load-balancing-v2";
import * as route53 from "@aws-sdk/client-route-53";
import * as serviceQuotas from "@aws-sdk/client-service-quotas";
import * as ssm from "@aws-sdk/client-ssm";

/** The services the local cloud answers for, named after their SDK client. */
export type Service = "autoscaling" | "ec2" | "elbv2" | "cloudwatch" | "route53" | "servicequotas" | "ssm";

/**
 * A command, or a parameter of one, reached the local cloud that it does not model. Failing is
 * better than answering as if the parameter had been honoured.
 */
export class LocalCloudUnsupportedError extends Error {
  constructor(
    readonly service: string,
    readonly command: string,
    readonly parameter?: string,
  ) {
    const what = parameter === undefined ? command : `parameter ${parameter} of ${command}`;
    super(`The local cloud does not implement ${what} (${service}). ` + `Add it to local/cloud/ with its AWS semantics, or do not use it in local mode.`);
    this.name = "LocalCloudUnsupportedError";
  }
}

/** A scenario or test set the local cloud up wrongly (unknown group, bad option, ...). */
export class LocalCloudSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LocalCloudSetupError";
  }
}

/** An HTTP probe reached an instance that is not running, as a refused connection would. */
export class InstanceUnreachableError extends Error {
  constructor(readonly instanceId: string) {
    super(`Instance ${instanceId} is not running, so nothing answers on it (connection refused).`);
    this.name = "InstanceUnreachableError";
  }
}

type ExceptionBase = new (options: {
  name: string;
  $fault: "client" | "server";
  $metadata: { httpStatusCode?: number; requestId?: string };
  message?: string;
}) => Error;

const sdk: Record<Service, { namespace: Record<string, unknown>; base: ExceptionBase }> = {
  autoscaling: { namespace: autoScaling, base: autoScaling.AutoScalingServiceException },
  ec2: { namespace: ec2, base: ec2.EC2ServiceException },
  elbv2: { namespace: elbv2, base: elbv2.ElasticLoadBalancingV2ServiceException },
  cloudwatch: { namespace: cloudWatch, base: cloudWatch.CloudWatchServiceException },
  route53: { namespace: route53, base: route53.Route53ServiceException },
  servicequotas: { namespace: serviceQuotas, base: serviceQuotas.ServiceQuotasServiceException },
  ssm: { namespace: ssm, base: ssm.SSMServiceException },
};

/**
 * The error a real SDK client would throw for AWS error `code`: the SDK's own exception class
 * when the service models that code (ResourceContentionFault, TargetGroupNotFoundException, ...),
 * otherwise the service's base exception named after the code, which is what the SDK builds for
 * codes it does not model (ValidationError, Throttling, RequestLimitExceeded, ...).
 */
export function awsError(service: Service, code: string, message: string, requestId = ""): Error {
  const { namespace, base } = sdk[service];
  const modelled = namespace[code];
  if (typeof modelled === "function" && modelled.prototype instanceof base) {
    const Modelled = modelled as new (options: { message: string; $metadata: object }) => Error & {
      $fault: "client" | "server";
    };
    const error = new Modelled({ message, $metadata: {} });
    return Object.assign(error, {
      $metadata: { httpStatusCode: error.$fault === "server" ? 500 : 400, requestId },
    });
  }
  return new base({ name: code, $fault: "client", $metadata: { httpStatusCode: 400, requestId }, message });
}

/** Raised inside the cloud's model; the dispatcher turns it into the SDK-shaped error. */
export class CloudFault extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** Shorthand for the most common Auto Scaling / ELB error: a request AWS rejects as invalid. */
export function validationError(message: string): CloudFault {
  return new CloudFault("ValidationError", message);
}
