/**
 * What to tell a person when an AWS call from the CLI fails: one line saying what went wrong
 * and what to do, instead of the SDK's stack trace. Matched by name (and, for the credential
 * chain, by message) because the SDK rebuilds error classes per client package.
 */
const EXPIRED = new Set(["ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired", "RequestExpired"]);
const REJECTED = new Set([
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "AuthFailure",
  "MissingAuthenticationToken",
]);
const DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError", "NotAuthorized"]);
const THROTTLED = new Set(["Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"]);
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "TimeoutError"]);

const SIGN_IN = "sign in again (aws sso login, or new keys) and run the command again";

export function explainAwsFailure(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { name, message } = error;
  const code = (error as { code?: string }).code;
  const isServiceError = (error as { $metadata?: unknown }).$metadata !== undefined;
  if (EXPIRED.has(name) || (name === "CredentialsProviderError" && /expired|refresh/i.test(message))) {
    return `Your AWS credentials have expired (${name}: ${message}); ${SIGN_IN}.`;
  }
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(message)) {
    return `No AWS credentials found (${message}). Configure them (aws configure or aws sso login), then set AWS_PROFILE or pass --profile <name>.`;
  }
  if (/Region is missing/i.test(message)) {
    return "No AWS region: pass --region <region>, set AWS_REGION, or give your profile a region.";
  }
  if (REJECTED.has(name))
    return `AWS rejected the credentials (${name}: ${message}); check the profile or keys in use (--profile, AWS_PROFILE), or ${SIGN_IN}.`;
  if (DENIED.has(name))
    return `AWS denied access (${name}: ${message}). Use a role or profile allowed to do this (--profile), or ask for the permission named above.`;
  if (THROTTLED.has(name)) return `AWS throttled the CLI (${name}: ${message}); wait a moment and run the command again.`;
  if (UNREACHABLE.has(name) || (code !== undefined && UNREACHABLE.has(code))) {
    const endpoint = process.env.AWS_ENDPOINT_URL ? ` at AWS_ENDPOINT_URL=${process.env.AWS_ENDPOINT_URL} (is it running?)` : "";
    return `Could not reach AWS${endpoint} (${code ?? name}: ${message}); check the network and run the command again.`;
  }
  if (isServiceError) return `AWS refused the request (${name}: ${message}).`;
  return undefined;
}
