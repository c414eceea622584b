import { defineConfig } from "vitest/config";

/**
 * The moto side of the conformance suite (`npm run test:aws-emulator`, which starts moto_server
 * and passes AWS_ENDPOINT_URL and dummy credentials). Not part of `npm test`: that must pass on
 * a machine without Python.
 */
export default defineConfig({
  test: {
    include: ["test/conformance/**/*.moto.test.ts"],
    setupFiles: ["test/setup.ts"],
    env: { POWERTOOLS_LOG_LEVEL: "SILENT", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
