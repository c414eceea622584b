import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";

/**
 * What every SDK client gantry makes is configured with; each field is the SDK's own, and
 * anything left out falls back to the SDK's chain. `AWS_ENDPOINT_URL` (or
 * `AWS_ENDPOINT_URL_<SERVICE>`) is the SDK's too, read on each client's first request: that is
 * how the functions and the CLI reach LocalStack or moto.
 */
export type ClientSettings = Pick<DynamoDBClientConfig, "region" | "profile" | "credentials" | "endpoint" | "maxAttempts" | "requestHandler"> & {
  /** S3 only: bucket in the path rather than the host name, which S3-compatible servers on 127.0.0.1 need. */
  forcePathStyle?: boolean;
};

/** An SDK v3 client class, such as EC2Client: what an adapter names to get its client from the runtime. */
export type ClientClass<C> = new (settings: ClientSettings) => C;

/**
 * The SDK's standard retry mode backs off on throttling; five attempts ride out a burst
 * without hiding a real outage from Step Functions.
 */
export const STANDARD_SETTINGS: ClientSettings = { maxAttempts: 5 };

/** Route 53 is a global service whose API lives in us-east-1, whatever region the function runs in. */
export const GLOBAL_SERVICE: ClientSettings = { region: "us-east-1" };

/**
 * The webhook's Step Functions and SSM clients give up early: GitHub waits 10 s and never
 * retries, so even a cold start that reads the secret first (two calls, each at most two 2 s
 * attempts) answers in time: a 503 that says "redeliver" beats a timeout.
 */
export const ANSWER_FAST: ClientSettings = { maxAttempts: 2, requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 } };
