import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRuntime } from "../../../functions/aws/runtime.js";
import { readGantryStack } from "../../../functions/aws/executions/stack.js";

/** A DescribeStacks answer in CloudFormation's query-protocol XML, as LocalStack returns it. */
const DESCRIBE_STACKS_XML = `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <DescribeStacksResult><Stacks><member>
    <StackName>Gantry</StackName>
    <StackId>arn:aws:cloudformation:us-east-1:000000000000:stack/Gantry/1</StackId>
    <StackStatus>CREATE_COMPLETE</StackStatus>
    <CreationTime>2026-01-05T10:00:00Z</CreationTime>
    <Outputs><member><OutputKey>TableName</OutputKey><OutputValue>Gantry-Table</OutputValue></member></Outputs>
  </member></Stacks></DescribeStacksResult>
  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
</DescribeStacksResponse>`;

let server: Server;
let requests: { url: string; body: string; authorization: string }[];

function bodyOf(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    request.on("data", (chunk: Buffer) => (text += chunk.toString()));
    request.on("end", () => resolve(text));
  });
}

beforeEach(async () => {
  requests = [];
  server = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      requests.push({ url: request.url ?? "", body, authorization: request.headers.authorization ?? "" });
      response.writeHead(200, { "content-type": "text/xml" }).end(DESCRIBE_STACKS_XML);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => server.close(resolve));
});

describe("a runtime's clients, as the CLI makes them", () => {
  it("sends to AWS_ENDPOINT_URL when it is set, as a LocalStack user has it", async () => {
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    vi.stubEnv("AWS_ENDPOINT_URL", endpoint);
    vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");

    const cloudFormation = createRuntime({ settings: { region: "us-east-1" } }).client(CloudFormationClient);
    // Should the endpoint ever resolve elsewhere, refuse before anything leaves the machine.
    cloudFormation.middlewareStack.add(
      (next) => async (args) => {
        const hostname = (args.request as { hostname?: string }).hostname;
        if (hostname !== "127.0.0.1") throw new Error(`request addressed to ${hostname}, not AWS_ENDPOINT_URL`);
        return next(args);
      },
      { step: "finalizeRequest", name: "onlyTheTestServer" },
    );
    const stack = await readGantryStack(cloudFormation, "Gantry");

    expect(stack.outputs).toEqual({ tableName: "Gantry-Table" });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.body).toContain("Action=DescribeStacks");
    expect(requests[0]?.body).toContain("StackName=Gantry");
    expect(requests[0]?.authorization).toContain("/us-east-1/cloudformation/aws4_request");
  });

  it("uses --region over AWS_REGION, and the profile given, on every client", async () => {
    vi.stubEnv("AWS_REGION", "eu-west-1");

    const aws = createRuntime({ settings: { region: "ap-southeast-2", profile: "deployer" } });

    for (const client of [aws.client(CloudFormationClient), aws.client(SFNClient), aws.client(DynamoDBClient)]) {
      expect(await client.config.region()).toBe("ap-southeast-2");
      expect(client.config.profile).toBe("deployer");
    }
  });

  it("leaves the region to the SDK's chain (AWS_REGION) when none is given", async () => {
    vi.stubEnv("AWS_REGION", "sa-east-1");

    expect(await createRuntime({}).client(SFNClient).config.region()).toBe("sa-east-1");
  });
});
