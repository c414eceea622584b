import { afterAll, describe } from "vitest";
import { closeLocalDynamo } from "../../local/dynamo-session.js";
import { deployScenarios } from "./deploy-scenarios.js";
import { localBackend } from "./local-backend.js";

afterAll(() => closeLocalDynamo());

/** The local-cloud side of the conformance suite; the moto side is moto.moto.test.ts (npm run test:aws-emulator). */
describe("conformance scenarios on the local cloud", () => {
  deployScenarios(localBackend, 60_000);
});
