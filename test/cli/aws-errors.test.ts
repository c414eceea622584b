import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SFNServiceException } from "@aws-sdk/client-sfn";
import { afterAll, describe, expect, it } from "vitest";
import { explainAwsFailure } from "../../cli/aws/failures.js";
import { gantryIn } from "./run-gantry.js";

const serviceError = (name: string, message: string, status = 400) =>
  new SFNServiceException({ name, $fault: "client", message, $metadata: { httpStatusCode: status } });

describe("explainAwsFailure", () => {
  it("says to sign in again when the credentials expired", () => {
    expect(explainAwsFailure(serviceError("ExpiredTokenException", "The security token included in the request is expired"))).toMatch(
      /^Your AWS credentials have expired .*sign in again \(aws sso login/,
    );
    const sso = Object.assign(new Error("The SSO session associated with this profile has expired or is otherwise invalid."), {
      name: "CredentialsProviderError",
    });
    expect(explainAwsFailure(sso)).toMatch(/^Your AWS credentials have expired/);
  });

  it("says how to provide credentials when there are none", () => {
    const none = Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    expect(explainAwsFailure(none)).toBe(
      "No AWS credentials found (Could not load credentials from any providers). Configure them (aws configure or aws sso login), then set AWS_PROFILE or pass --profile <name>.",
    );
  });

  it("names the denied permission and what to do", () => {
    const denied = serviceError("AccessDeniedException", "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: states:StartExecution", 403);
    expect(explainAwsFailure(denied)).toBe(
      "AWS denied access (AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: states:StartExecution). Use a role or profile allowed to do this (--profile), or ask for the permission named above.",
    );
  });

  it("asks for a region when none is known", () => {
    expect(explainAwsFailure(new Error("Region is missing"))).toBe("No AWS region: pass --region <region>, set AWS_REGION, or give your profile a region.");
  });

  it("puts any other AWS answer on one line, and leaves errors that are not AWS's alone", () => {
    expect(explainAwsFailure(serviceError("StateMachineDoesNotExist", "State Machine Does Not Exist: 'arn:…'"))).toBe(
      "AWS refused the request (StateMachineDoesNotExist: State Machine Does Not Exist: 'arn:…').",
    );
    expect(explainAwsFailure(new TypeError("x is undefined"))).toBeUndefined();
  });
});

describe("gantry CLI against AWS, failures as one line", () => {
  const home = mkdtempSync(join(tmpdir(), "gantry-aws-cli-"));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  // Nothing here may reach AWS: the endpoint is a closed local port, and the instance metadata service is off.
  const offline = {
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    AWS_EC2_METADATA_DISABLED: "true",
    HOME: home,
    AWS_PROFILE: undefined,
    AWS_ACCESS_KEY_ID: undefined,
  };
  const gantry = gantryIn(home);

  it("says there are no credentials, without a stack trace, and exits 2", async () => {
    const result = await gantry.withEnv({ ...offline, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined })(
      "status",
      "--app",
      "hello",
      "--env",
      "prod",
    );

    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      "error: No AWS credentials found (Could not load credentials from any providers). Configure them (aws configure or aws sso login), then set AWS_PROFILE or pass --profile <name>.",
    );
  });

  it("says the endpoint cannot be reached when AWS_ENDPOINT_URL points at nothing", async () => {
    const result = await gantry.withEnv({ ...offline, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" })("releases", "hello", "prod");

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: Could not reach AWS at AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:9 \(is it running\?\) \(ECONNREFUSED/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("asks for --app and --env before deploying on AWS", async () => {
    const result = await gantry("deploy", "v2");

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("gantry deploy on AWS needs --app <name> and --env <name>");
  });
});
