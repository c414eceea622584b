import { describe, expect, it } from "vitest";
import { executionName } from "../../../../functions/core/executions/naming.js";

describe("executionName", () => {
  it("joins app, env, release and suffix", () => {
    expect(executionName("hello", "prod", "3f2c1ab", "a1b2c3d4")).toBe("hello-prod-3f2c1ab-a1b2c3d4");
  });

  it("replaces characters Step Functions rejects", () => {
    const name = executionName("hello", "prod", "feature/login fix:v2", "x");

    expect(name).toBe("hello-prod-feature-login-fix-v2-x");
    expect(name).not.toMatch(/[\s?*<>{}[\]"#%\\^|~`$&,;:/]/);
  });

  it("keeps the unique suffix when it shortens a long name to 80 characters", () => {
    const name = executionName("hello", "prod", "r".repeat(200), "delivery1");

    expect(name).toHaveLength(80);
    expect(name.endsWith("-delivery1")).toBe(true);
  });
});
