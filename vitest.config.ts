import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The moto side of the conformance suite needs moto_server: `npm run test:aws-emulator`; the
    // browser tests need Debian's chromium: `npm run test:browser`.
    exclude: ["**/node_modules/**", "test/conformance/**/*.moto.test.ts", "test/browser/**"],
    setupFiles: ["test/setup.ts"],
    env: { POWERTOOLS_LOG_LEVEL: "SILENT", AWS_REGION: "eu-west-1", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    testTimeout: 60_000,
    pool: "forks",
  },
});
