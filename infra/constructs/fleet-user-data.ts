import { readFileSync } from "node:fs";
import * as ec2 from "aws-cdk-lib/aws-ec2";

/** examples/instance-bootstrap/user-data.sh: what every gantry instance runs at boot. */
export const BOOTSTRAP_SCRIPT = new URL("../../examples/instance-bootstrap/user-data.sh", import.meta.url);

export interface FleetUserDataProps {
  app: string;
  env: string;
  /** The release store's bucket name (a token is fine: the user data is an Fn::Join, never an Fn::Sub). */
  bucketName: string;
  /** Log groups the CloudWatch agent ships to. */
  appLogGroupName: string;
  bootstrapLogGroupName: string;
  /** Extra dnf packages the release needs at run time (e.g. `nodejs20` for a Node app). */
  packages: readonly string[];
  /** The bootstrap's text; examples/instance-bootstrap/user-data.sh by default. */
  bootstrap?: string;
}

const HEREDOC = "GANTRY_BOOTSTRAP_SCRIPT";
const AGENT_CONFIG = "/opt/aws/amazon-cloudwatch-agent/etc/gantry.json";

/**
 * The launch template's user data: names the host and the log streams `<app>-<env>/<instance-id>`,
 * ships the bootstrap's output and the app's journal to CloudWatch Logs through the CloudWatch
 * agent, then runs the bootstrap with GANTRY_BUCKET, GANTRY_APP and GANTRY_ENV set.
 *
 * The agent reads files, not the journal: a small unit follows the app's journal (its
 * SyslogIdentifier is `<app>-<env>/<instance-id>`, set by the bootstrap) into a file the agent
 * tails. A hostname cannot hold "/" (RFC 1123 labels), so the static hostname is
 * `<app>-<env>-<instance-id>` and the pretty hostname is `<app>-<env>/<instance-id>` exactly.
 */
export function fleetUserData(props: FleetUserDataProps): ec2.UserData {
  const bootstrap = (props.bootstrap ?? readFileSync(BOOTSTRAP_SCRIPT, "utf8")).replace(/^#!.*\n/, "");
  if (bootstrap.split("\n").includes(HEREDOC)) throw new Error(`The bootstrap script has a line "${HEREDOC}", which ends the user data's copy of it early.`);
  const prefix = `${props.app}-${props.env}`;
  const agentConfig = {
    agent: { run_as_user: "root" },
    logs: {
      logs_collected: {
        files: {
          collect_list: [
            { file_path: "/var/log/gantry/bootstrap.log", log_group_name: props.bootstrapLogGroupName, log_stream_name: `${prefix}/{instance_id}` },
            { file_path: "/var/log/gantry/app.log", log_group_name: props.appLogGroupName, log_stream_name: `${prefix}/{instance_id}` },
          ],
        },
      },
    },
  };
  const userData = ec2.UserData.forLinux();
  userData.addCommands(
    "set -euo pipefail",
    `export GANTRY_BUCKET='${props.bucketName}' GANTRY_APP='${props.app}' GANTRY_ENV='${props.env}'`,
    "mkdir -p /var/log/gantry /usr/local/lib/gantry",
    "touch /var/log/gantry/app.log",
    // Everything from here on, the bootstrap included, lands in the bootstrap log the agent ships.
    "exec > >(tee -a /var/log/gantry/bootstrap.log) 2>&1",
    'imds_token="$(curl -sf -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")"',
    'instance_id="$(curl -sf -H "X-aws-ec2-metadata-token: $imds_token" http://169.254.169.254/latest/meta-data/instance-id)"',
    `hostnamectl set-hostname "${prefix}-$instance_id"`,
    `hostnamectl set-hostname --pretty "${prefix}/$instance_id"`,
    `dnf install -y ${["amazon-cloudwatch-agent", ...props.packages].join(" ")}`,
    `cat > ${AGENT_CONFIG} <<'AGENT_CONFIG'`,
    JSON.stringify(agentConfig, null, 2),
    "AGENT_CONFIG",
    "cat > /etc/systemd/system/gantry-app-log.service <<UNIT",
    "[Unit]",
    `Description=Copies the journal of ${prefix}/$instance_id to /var/log/gantry/app.log for the CloudWatch agent`,
    "[Service]",
    `ExecStart=/bin/sh -c 'exec journalctl --follow --lines=all --output=short-iso --identifier=${prefix}/$instance_id >> /var/log/gantry/app.log'`,
    "Restart=always",
    "[Install]",
    "WantedBy=multi-user.target",
    "UNIT",
    "systemctl daemon-reload",
    "systemctl enable --now gantry-app-log.service",
    `/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${AGENT_CONFIG}`,
    `cat > /usr/local/lib/gantry/bootstrap.sh <<'${HEREDOC}'`,
    bootstrap.trimEnd(),
    HEREDOC,
    "bash /usr/local/lib/gantry/bootstrap.sh",
  );
  return userData;
}
