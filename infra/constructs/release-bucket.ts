import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";

/**
 * A replaced or deleted object (an old value of `current`, a pruned release's slug) is kept this
 * long, then expired. Nothing expires by age alone: the release that runs may be any age, and
 * instances it launches tomorrow must still find its slug.
 */
export const NONCURRENT_DAYS = 30;

/**
 * The release store: `<app>/<env>/<releaseId>/{slug.tgz,env,manifest.json}` and
 * `<app>/<env>/current`. Encrypted with S3-managed keys (no KMS key to grant, so the
 * instance roles need only s3:GetObject), never public, TLS only, versioned (a rewrite of
 * `current` keeps its previous value), with replaced and deleted versions expired.
 */
export class ReleaseBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, "Bucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: "ExpireReplacedVersions", noncurrentVersionExpiration: Duration.days(NONCURRENT_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: "RemoveExpiredDeleteMarkers", expiredObjectDeleteMarker: true },
      ],
      // Releases outlive the stack, like the release history: deleting gantry must not delete what instances boot from.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "Server access logs would need a second bucket per stack; every write to the release bucket comes from gantry's own roles and is in CloudTrail (data events can be enabled per bucket).",
    });
  }
}
