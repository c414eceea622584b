import { RemovalPolicy, type Duration } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

/** Where a function's bundle comes from: the real esbuild output, or a stand-in in tests. */
export type FunctionCodeSource = (dir: string) => lambda.Code;

export interface GantryFunctionProps {
  /** functions/<dir>/handler.ts, bundled to <dir>/index.mjs. */
  dir: string;
  code: FunctionCodeSource;
  timeout: Duration;
  memorySize: number;
  logRetention: logs.RetentionDays;
  environment?: Record<string, string>;
  vpc?: { subnetIds: string[]; securityGroupIds: string[] };
}

/**
 * One gantry Lambda: ESM bundle on nodejs22.x/arm64, X-Ray active, its own log group with a
 * retention, and its own role that starts with nothing but writing to that log group (no
 * AWSLambdaBasicExecutionRole, which allows every log group). Capabilities add the rest.
 */
export class GantryFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: GantryFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, "Logs", { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `gantry ${props.dir}: writes its own logs and what its capabilities allow`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({ sid: "WriteOwnLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [this.logGroup.logGroupArn] }),
    );
    this.function = new lambda.Function(this, "Function", {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: "index.handler",
      code: props.code(props.dir),
      role: this.role,
      logGroup: this.logGroup,
      timeout: props.timeout,
      memorySize: props.memorySize,
      tracing: lambda.Tracing.ACTIVE,
      description: `gantry: ${props.dir}`,
      // The bundles ship linked source maps: stack traces name gantry's files and lines.
      environment: { NODE_OPTIONS: "--enable-source-maps", ...props.environment },
    });
    if (props.vpc) {
      // Existing subnets and security groups by id, without a VPC lookup, so synth stays offline.
      const cfn = this.function.node.defaultChild as lambda.CfnFunction;
      cfn.vpcConfig = { subnetIds: props.vpc.subnetIds, securityGroupIds: props.vpc.securityGroupIds };
    }
  }
}
