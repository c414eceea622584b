import { defineConfig } from "vitest/config";

// The console's end-to-end tests in Debian's chromium (`npm run test:browser`; CI installs chromium with apt).
export default defineConfig({
  test: {
    include: ["test/browser/**/*.browser.test.ts"],
    setupFiles: ["test/setup.ts"],
    env: { POWERTOOLS_LOG_LEVEL: "SILENT", AWS_REGION: "eu-west-1", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: "forks",
    // One at a time: the demo's real processes and timings should not share two cores with another browser.
    fileParallelism: false,
  },
});
