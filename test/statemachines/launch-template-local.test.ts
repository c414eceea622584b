import { AutoScalingClient, UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { CreateLaunchTemplateVersionCommand, EC2Client } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { runtime } from "../../functions/aws/runtime.js";
import { readGroup } from "../../functions/aws/rollout/group.js";
import { createLocalFleet, runLocalDeploy } from "../../local/scenario.js";
import { fleetState } from "../../local/watch.js";

const strategy = { batches: ["25%"], bakeSeconds: 60, pollSeconds: 15 };
const mutating = (commands: Record<string, number>) => Object.keys(commands).filter((command) => !/^(Describe|Get)/.test(command));

describe("deploy definition, run locally: launch templates and composite alarms", () => {
  it("refuses a group on $Latest before changing anything, naming the group, its version and the command that pins it", async () => {
    const fleet = createLocalFleet({ instances: 4 });
    await runtime()
      .client(AutoScalingClient)
      .send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: fleet.groupName,
          LaunchTemplate: { LaunchTemplateId: fleet.launchTemplateId, Version: "$Latest" },
        }),
      );
    fleet.cloud.resetCalls();
    const before = fleetState(fleet);

    const record = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }));

    expect(record.status).toBe("FAILED");
    expect(record.error).toBe("LaunchTemplateNotPinnedError");
    expect(record.cause).toContain(`Group "${fleet.groupName}" launches from launch template ${fleet.launchTemplateId} version $Latest`);
    expect(record.cause).toContain(
      `aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${fleet.groupName} --launch-template LaunchTemplateId=${fleet.launchTemplateId},Version=<number>`,
    );
    expect(mutating(fleet.cloud.calls.byCommand)).toEqual([]);
    expect(fleetState(fleet)).toEqual(before);
  });

  it("refuses an imageId deploy of a group whose version takes its AMI from an SSM parameter, and deploys it without imageId", async () => {
    const fleet = createLocalFleet({ instances: 4 });
    const image = "resolve:ssm:/hello/prod/ami";
    await runtime()
      .client(EC2Client)
      .send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: fleet.launchTemplateId, SourceVersion: "1", LaunchTemplateData: { ImageId: image } }));
    await runtime()
      .client(AutoScalingClient)
      .send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: fleet.groupName,
          LaunchTemplate: { LaunchTemplateId: fleet.launchTemplateId, Version: "2" },
        }),
      );
    fleet.cloud.resetCalls();

    const refused = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy, release: { id: "v2", imageId: "ami-0aaaaaaaaaaaaaaa2" } }));

    expect(refused.error).toBe("LaunchTemplateImageParameterError");
    expect(refused.cause).toContain(`version 2, whose AMI is the SSM parameter "${image}"`);
    expect(refused.cause).toContain("ssm:GetParameters");
    expect(mutating(fleet.cloud.calls.byCommand)).toEqual([]);
    expect((await readGroup(fleet.groupName)).launchTemplate?.version).toBe("2");

    const plain = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy }));

    expect(plain.status).toBe("SUCCEEDED");
    expect((await readGroup(fleet.groupName)).launchTemplate?.version).toBe("2");
  });

  it("gates on a composite alarm: passes while it is OK, rolls back when it goes to ALARM", async () => {
    const fleet = createLocalFleet({ instances: 4 });
    fleet.cloud.setCompositeAlarm("hello-prod-health", "OK");
    const gates = { alarms: ["hello-prod-health"] };

    const good = await runLocalDeploy(fleet, fleet.deployInput("v2", { strategy, gates }));

    expect(good.status).toBe("SUCCEEDED");
    let launched = false;
    const bad = await runLocalDeploy(fleet, fleet.deployInput("v3", { strategy, gates }), {
      onEvent: (event) => {
        if (!launched && event.kind === "exited" && event.step.state === "Launch batch") {
          launched = true;
          fleet.cloud.setCompositeAlarm("hello-prod-health", "ALARM");
        }
      },
    });

    expect(bad.error).toBe("DeployRolledBack");
    expect(bad.cause).toMatch(/AlarmGateFailedError: .*alarm hello-prod-health is in ALARM/);
    expect(fleetState(fleet).releases).toEqual(Array.from({ length: 4 }, () => "v2:InService"));
  });
});
