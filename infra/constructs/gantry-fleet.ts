import { Aws, Duration, RemovalPolicy, Stack, Tags, Token, Validations } from "aws-cdk-lib";
import * as autoscaling from "aws-cdk-lib/aws-autoscaling";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { RELEASE_TAG } from "../../functions/core/fleet.js";
import { MANAGED_TAG, type Grant } from "./capability-statements.js";
import { resolveFleetSettings, type FleetSettings } from "./fleet-props.js";
import { fleetUserData } from "./fleet-user-data.js";
import { acknowledgeWildcards } from "./nag-suppressions.js";

/** An existing VPC by ids: no lookup, so synth needs no AWS account or cdk.context.json. */
export interface ExistingVpc {
  vpcId: string;
  /** The zones of the subnets below, in the same order. */
  availabilityZones: string[];
  /** Subnets of the load balancer (internet-facing: they route to an internet gateway). */
  publicSubnetIds: string[];
  /** Subnets of the instances and the gate functions: they reach AWS's APIs through a NAT gateway or VPC endpoints. */
  privateSubnetIds: string[];
}

export interface GantryFleetProps extends Partial<FleetSettings> {
  app: string;
  env: string;
  /** The release store: a bucket, or its name (the gantry stack's ReleaseBucketName output). */
  releaseBucket: s3.IBucket | string;
  /** The release the group's `gantry:release` tag names at creation; gantry changes it on every deploy. */
  initialRelease: string;
  /** An existing VPC; a new one across `zones` zones when absent. */
  vpc?: ExistingVpc;
  /** Interface endpoints in a new VPC for every API the instances and gate functions call, so it runs without NAT. Default false. */
  interfaceEndpoints?: boolean;
  instanceType?: ec2.InstanceType;
  /** Default: the latest Amazon Linux 2023 for the instance type's architecture (from its public SSM parameter). */
  machineImage?: ec2.IMachineImage;
  /** dnf packages the release needs (e.g. `nodejs20`). */
  packages?: string[];
  /** A customer-managed KMS key of the app's SecureString parameters; the AWS-managed aws/ssm key needs no grant. */
  parameterKeyArn?: string;
  logRetention?: logs.RetentionDays;
}

const WHY = {
  releasePrefix: "The instances read their own app/env's releases only: the objects under <app>/<env>/ of the release bucket.",
  parameterPrefix: "The instances read their own app/env's parameters only: those under /gantry/<app>/<env>/.",
  ownInstance: "The SSM agent registers the instance it runs on; instance ids are not known in advance.",
  runCommandAgent:
    "The SSM agent fetches and answers Run Command messages: the ec2messages and ssmmessages actions have no resource-level permissions in IAM (allowed on * only), as in AWS's AmazonSSMManagedInstanceCore.",
  publicListener: "The load balancer serves the app to the internet; the instances behind it accept traffic only from it and from the gate functions.",
  endpointIngress: "An interface endpoint admits HTTPS from its own VPC's CIDR block (a GetAtt of the VPC), which is not the internet.",
  accessLogs:
    "Access logs need a bucket with an ELB delivery policy; the example fleet keeps its request logs in the app's own log stream. Add them for production.",
  groupNotifications:
    "gantry reports every deploy, rollback and failure through its own alerts topic; group launch notifications would repeat that for every surge.",
};

/**
 * A fleet gantry can deploy to, for one app/env: a VPC (new or existing), an internet-facing ALB
 * whose target group suits fast deploys, a launch template at a pinned version carrying the
 * instance bootstrap (instance tags in the metadata, IMDSv2 only), an instance role under
 * `/gantry/` allowed only its own app/env's releases and parameters, an Auto Scaling group across
 * at least two zones tagged `gantry:release` (propagated at launch), CloudWatch Logs of the
 * bootstrap and the app by instance, and a security group for gantry's HTTP gate functions that
 * the instances admit on the app's port.
 */
export class GantryFleet extends Construct {
  readonly settings: FleetSettings;
  readonly vpc: ec2.IVpc;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly group: autoscaling.AutoScalingGroup;
  readonly role: iam.Role;
  readonly instanceSecurityGroup: ec2.SecurityGroup;
  /** The security group gantry's gate functions run with (infrastructure.vpc.securityGroupIds). */
  readonly gateSecurityGroup: ec2.SecurityGroup;
  /** The subnets gantry's gate functions run in (infrastructure.vpc.subnetIds). */
  readonly gateSubnets: ec2.ISubnet[];
  readonly appLogGroup: logs.LogGroup;
  readonly bootstrapLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: GantryFleetProps) {
    super(scope, id);
    const { app, env } = props;
    const settings = resolveFleetSettings(app, env, props, { interfaceEndpoints: props.interfaceEndpoints ?? false, existingVpc: Boolean(props.vpc) });
    this.settings = settings;
    if (props.vpc) checkExistingVpc(app, env, props.vpc, settings.zones);
    if (!Token.isUnresolved(props.initialRelease) && !/^[A-Za-z0-9._:-]{1,128}$/.test(props.initialRelease)) {
      throw new Error(`GantryFleet ${app}/${env}: initialRelease ${JSON.stringify(props.initialRelease)} is not a release id (letters, digits and . _ : -)`);
    }
    const bucketName = typeof props.releaseBucket === "string" ? props.releaseBucket : props.releaseBucket.bucketName;
    const prefix = `${app}-${env}`;

    this.vpc = props.vpc ? ec2.Vpc.fromVpcAttributes(this, "Vpc", props.vpc) : this.newVpc(settings, props.interfaceEndpoints ?? false);
    const privateSubnets = { subnets: this.vpc.privateSubnets.length > 0 ? this.vpc.privateSubnets : this.vpc.isolatedSubnets };
    this.gateSubnets = privateSubnets.subnets;

    const albSecurityGroup = new ec2.SecurityGroup(this, "LoadBalancerSecurityGroup", { vpc: this.vpc, description: `${prefix} load balancer` });
    albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), "HTTP from the internet");
    Validations.of(albSecurityGroup).acknowledge({ id: "AwsSolutions-EC23", reason: WHY.publicListener });
    this.instanceSecurityGroup = new ec2.SecurityGroup(this, "InstanceSecurityGroup", { vpc: this.vpc, description: `${prefix} instances` });
    this.gateSecurityGroup = new ec2.SecurityGroup(this, "GateSecurityGroup", {
      vpc: this.vpc,
      description: `${prefix} gate: the HTTP gate functions of gantry, which call the app port of the instances`,
    });
    this.instanceSecurityGroup.addIngressRule(albSecurityGroup, ec2.Port.tcp(settings.port), "the load balancer: traffic and health checks");
    this.instanceSecurityGroup.addIngressRule(this.gateSecurityGroup, ec2.Port.tcp(settings.port), "the gate of gantry: /health and /version");

    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.appLogGroup = new logs.LogGroup(this, "AppLogs", { logGroupName: `/gantry/${app}/${env}/app`, retention, removalPolicy: RemovalPolicy.DESTROY });
    this.bootstrapLogGroup = new logs.LogGroup(this, "BootstrapLogs", {
      logGroupName: `/gantry/${app}/${env}/bootstrap`,
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, "InstanceRole", {
      // gantry's deploy functions may pass only roles under /gantry/ to EC2 (capability-statements.ts).
      path: "/gantry/",
      assumedBy: new iam.ServicePrincipal("ec2.amazonaws.com"),
      description: `${prefix} instances: their own releases, parameters and log streams`,
    });
    this.grantInstanceAccess(app, env, bucketName, props.parameterKeyArn);

    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL);
    this.launchTemplate = new ec2.LaunchTemplate(this, "LaunchTemplate", {
      launchTemplateName: prefix,
      instanceType,
      machineImage: props.machineImage ?? ec2.MachineImage.latestAmazonLinux2023({ cpuType: cpuTypeOf(instanceType) }),
      userData: fleetUserData({
        app,
        env,
        bucketName,
        // The names as text, so the agent's JSON config is plain text in the user data.
        appLogGroupName: `/gantry/${app}/${env}/app`,
        bootstrapLogGroupName: `/gantry/${app}/${env}/bootstrap`,
        packages: props.packages ?? [],
      }),
      role: this.role,
      securityGroup: this.instanceSecurityGroup,
      requireImdsv2: true,
      // The bootstrap reads its gantry:release tag from the instance metadata.
      instanceMetadataTags: true,
      httpPutResponseHopLimit: 1,
      blockDevices: [{ deviceName: "/dev/xvda", volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
    });
    Tags.of(this.launchTemplate).add(MANAGED_TAG.key, MANAGED_TAG.value);
    // Instances write to the log groups from their first boot: the groups exist before any launches.
    this.launchTemplate.node.addDependency(this.appLogGroup, this.bootstrapLogGroup);

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, "LoadBalancer", {
      vpc: this.vpc,
      internetFacing: true,
      securityGroup: albSecurityGroup,
      vpcSubnets: { subnets: this.vpc.publicSubnets },
      dropInvalidHeaderFields: true,
    });
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, "TargetGroup", {
      vpc: this.vpc,
      port: settings.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.INSTANCE,
      deregistrationDelay: Duration.seconds(settings.deregistrationDelaySeconds),
      healthCheck: {
        path: settings.healthCheckPath,
        interval: Duration.seconds(settings.healthCheckIntervalSeconds),
        timeout: Duration.seconds(settings.healthCheckTimeoutSeconds),
        healthyThresholdCount: settings.healthyThresholdCount,
        unhealthyThresholdCount: settings.unhealthyThresholdCount,
        healthyHttpCodes: "200",
      },
    });
    this.loadBalancer.addListener("Http", { port: 80, protocol: elbv2.ApplicationProtocol.HTTP, open: false, defaultTargetGroups: [this.targetGroup] });

    this.group = new autoscaling.AutoScalingGroup(this, "Group", {
      autoScalingGroupName: prefix,
      vpc: this.vpc,
      vpcSubnets: privateSubnets,
      launchTemplate: this.launchTemplate,
      minCapacity: settings.minCapacity,
      maxCapacity: settings.maxCapacity,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.seconds(settings.healthCheckGraceSeconds),
      }),
    });
    this.group.attachToApplicationTargetGroup(this.targetGroup);
    Tags.of(this.group).add(RELEASE_TAG, props.initialRelease, { applyToLaunchedInstances: true });
    Tags.of(this.group).add(MANAGED_TAG.key, MANAGED_TAG.value, { applyToLaunchedInstances: true });
    this.acknowledgeFindings();
  }

  private newVpc(settings: FleetSettings, interfaceEndpoints: boolean): ec2.Vpc {
    const vpc = new ec2.Vpc(this, "Vpc", {
      maxAzs: settings.zones,
      natGateways: settings.natGateways,
      subnetConfiguration: [
        { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: "private", subnetType: settings.natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 },
      ],
      // Gateway endpoints cost nothing and keep release downloads and table calls off the NAT.
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 }, DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
    });
    vpc.addFlowLog("FlowLog", { trafficType: ec2.FlowLogTrafficType.REJECT });
    if (interfaceEndpoints) {
      // Each endpoint's security group admits HTTPS from the VPC's own CIDR, a GetAtt cdk-nag cannot read.
      const services = {
        Ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
        Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
        AutoScaling: ec2.InterfaceVpcEndpointAwsService.AUTOSCALING,
        Ec2: ec2.InterfaceVpcEndpointAwsService.EC2,
        Elb: ec2.InterfaceVpcEndpointAwsService.ELASTIC_LOAD_BALANCING,
        Monitoring: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
        Xray: ec2.InterfaceVpcEndpointAwsService.XRAY,
      };
      for (const [name, service] of Object.entries(services)) {
        const endpoint = vpc.addInterfaceEndpoint(name, { service, privateDnsEnabled: true });
        Validations.of(endpoint).acknowledge({ id: "AwsSolutions-EC23", reason: WHY.endpointIngress });
      }
    }
    return vpc;
  }

  private grantInstanceAccess(app: string, env: string, bucketName: string, parameterKeyArn: string | undefined): void {
    const { region, account } = Stack.of(this);
    const grants: Grant[] = [
      {
        statement: new iam.PolicyStatement({
          sid: "ReadOwnReleases",
          actions: ["s3:GetObject"],
          resources: [`arn:${Aws.PARTITION}:s3:::${bucketName}/${app}/${env}/*`],
        }),
        wildcardReason: WHY.releasePrefix,
      },
      {
        statement: new iam.PolicyStatement({
          sid: "ReadOwnParameters",
          actions: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
          resources: [`arn:${Aws.PARTITION}:ssm:${region}:${account}:parameter/gantry/${app}/${env}/*`],
        }),
        wildcardReason: WHY.parameterPrefix,
      },
      {
        // What the SSM agent needs for Run Command, which in-place deploys use to run gantry-deploy
        // (the Run Command part of AmazonSSMManagedInstanceCore; no Session Manager, inventory or patching).
        statement: new iam.PolicyStatement({
          sid: "RegisterWithSsm",
          actions: ["ssm:UpdateInstanceInformation", "ssm:ListInstanceAssociations"],
          resources: [`arn:${Aws.PARTITION}:ec2:${region}:${account}:instance/*`],
        }),
        wildcardReason: WHY.ownInstance,
      },
      {
        statement: new iam.PolicyStatement({
          sid: "RunCommandAgent",
          actions: [
            "ec2messages:AcknowledgeMessage",
            "ec2messages:DeleteMessage",
            "ec2messages:FailMessage",
            "ec2messages:GetEndpoint",
            "ec2messages:GetMessages",
            "ec2messages:SendReply",
            "ssmmessages:CreateControlChannel",
            "ssmmessages:OpenControlChannel",
          ],
          resources: ["*"],
        }),
        wildcardReason: WHY.runCommandAgent,
      },
      {
        // A log group's ARN ends in ":*", which covers its streams.
        statement: new iam.PolicyStatement({
          sid: "WriteOwnLogStreams",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [this.appLogGroup.logGroupArn, this.bootstrapLogGroup.logGroupArn],
        }),
      },
    ];
    if (parameterKeyArn) {
      grants.push({
        statement: new iam.PolicyStatement({
          sid: "DecryptOwnParameters",
          actions: ["kms:Decrypt"],
          resources: [parameterKeyArn],
          conditions: { StringEquals: { "kms:ViaService": `ssm.${region}.amazonaws.com` } },
        }),
      });
    }
    for (const grant of grants) this.role.addToPolicy(grant.statement);
    acknowledgeWildcards(this.role, grants);
  }

  private acknowledgeFindings(): void {
    Validations.of(this.loadBalancer).acknowledge({ id: "AwsSolutions-ELB2", reason: WHY.accessLogs });
    Validations.of(this.group).acknowledge({ id: "AwsSolutions-AS3", reason: WHY.groupNotifications });
  }
}

function cpuTypeOf(instanceType: ec2.InstanceType): ec2.AmazonLinuxCpuType {
  return instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64;
}

function checkExistingVpc(app: string, env: string, vpc: ExistingVpc, zones: number): void {
  const problems: string[] = [];
  const distinct = new Set(vpc.availabilityZones).size;
  if (distinct < zones) problems.push(`vpc.availabilityZones names ${distinct} zone(s): the group needs at least ${zones} (zones)`);
  for (const key of ["publicSubnetIds", "privateSubnetIds"] as const) {
    if (vpc[key].length !== vpc.availabilityZones.length) {
      problems.push(`vpc.${key} has ${vpc[key].length} subnet(s) for ${vpc.availabilityZones.length} zone(s): give one per zone, in the same order`);
    }
  }
  if (problems.length > 0) throw new Error(`GantryFleet ${app}/${env}: ${problems.join("; ")}`);
}
