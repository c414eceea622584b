import { expect } from "vitest";
import { parseConfig } from "../../../../functions/core/config/config.js";
import { InvalidConfigError } from "../../../../functions/core/errors.js";

/** The message `parseConfig` rejects `raw` with; fails the test if it accepts it or throws anything else. */
export function rejection(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the configuration to be rejected");
}
