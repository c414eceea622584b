import { describe } from "vitest";
import { deployScenarios } from "./deploy-scenarios.js";
import { motoBackend } from "./moto-backend.js";

/** The moto side of the deploy scenarios; the same scenarios run on the local cloud in local-cloud.test.ts. */
describe("conformance scenarios on moto", () => {
  deployScenarios(motoBackend, 90_000);
});
