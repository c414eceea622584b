import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../../functions/core/config/config.js";
import { rejection } from "../config/config-rejection.js";

const apps = {
  hello: {
    repository: "octo-org/hello",
    environments: {
      prod: {
        branch: "main",
        region: "eu-west-1",
        group: { autoScalingGroupName: "hello-prod", targetGroupArns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/h/1"] },
      },
    },
  },
};

describe("configuration, chat.slack", () => {
  it("takes members, channels and a signing secret parameter", () => {
    const config = parseConfig({
      apps,
      chat: { slack: { users: ["U024BE7LH", "W0123ABCD"], channels: ["C2147483705", "G0PRIVATE1"], signingSecretParameter: "/team/slack" } },
    });

    expect(config.chat?.slack).toEqual({ users: ["U024BE7LH", "W0123ABCD"], channels: ["C2147483705", "G0PRIVATE1"], signingSecretParameter: "/team/slack" });
  });

  it("rejects names where Slack ids belong, and empty lists, naming each path and value", () => {
    const message = rejection({ apps, chat: { slack: { users: ["@steve"], channels: [], signingSecretParameter: "slack" } } });

    expect(message).toContain('chat.slack.users[0]: "@steve" is not a Slack member id such as "U024BE7LH"');
    expect(message).toContain("chat.slack.channels: [] is empty: list the Slack channel ids /gantry may be run in");
    expect(message).toContain('chat.slack.signingSecretParameter: "slack" is not an SSM parameter name starting with "/"');
  });

  it("rejects a channel name and an unknown key, naming the known ones", () => {
    const message = rejection({ apps, chat: { slack: { users: ["U024BE7LH"], channels: ["#deploys"], signingSecret: "x" } } });

    expect(message).toContain('chat.slack.channels[0]: "#deploys" is not a Slack channel id such as "C2147483705"');
    expect(message).toContain("chat.slack.signingSecret is not a known key (known here: users, channels, signingSecretParameter)");
  });
});
