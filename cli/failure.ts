import { GantryError } from "../functions/core/errors.js";
import { explainAwsFailure } from "./aws/failures.js";
import { UsageError, paint } from "./output.js";

/** One exit-code rule for every command. */
export const EXIT = { done: 0, failed: 1, usage: 2 } as const;

/**
 * What the CLI prints for an error that reached the top: one line, never a stack trace. A usage
 * or configuration error, and an AWS failure explained in words, exit 2; anything else is
 * gantry's own failure, exit 1, with where to see the stack.
 */
export function describeFailure(error: unknown): { message: string; exitCode: number; unexpected: boolean } {
  const error_ = paint("red", "error:");
  if (error instanceof UsageError || error instanceof GantryError) return { message: `${error_} ${error.message}`, exitCode: EXIT.usage, unexpected: false };
  const aws = explainAwsFailure(error);
  if (aws) return { message: `${error_} ${aws}`, exitCode: EXIT.usage, unexpected: false };
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const firstLine = what.split("\n")[0] ?? what;
  return {
    message: `${error_} gantry failed unexpectedly (${firstLine}); set GANTRY_DEBUG=1 to see the stack trace.`,
    exitCode: EXIT.failed,
    unexpected: true,
  };
}
