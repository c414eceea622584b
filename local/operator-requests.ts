import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { asOperatorRequest, type OperatorRequestStore } from "../functions/core/operator/requests.js";
import { gantryHome } from "./records.js";

/**
 * Requests for local executions, one JSON file each under `.gantry/requests/`: a `gantry abort
 * --local` in one terminal reaches the `deploy --local` running in another, which keeps its
 * table in its own process. Written aside and renamed, so a reader never sees half a request.
 */
export function fileRequests(root = gantryHome()): OperatorRequestStore {
  const dir = join(root, "requests");
  const path = (app: string, env: string, execution: string) => join(dir, `${app}.${env}.${execution}.json`);
  return {
    async put(app, env, request) {
      mkdirSync(dir, { recursive: true });
      const file = path(app, env, request.execution);
      writeFileSync(`${file}.tmp`, JSON.stringify(request));
      renameSync(`${file}.tmp`, file);
    },
    async read(app, env, execution) {
      try {
        return asOperatorRequest(JSON.parse(readFileSync(path(app, env, execution), "utf8")));
      } catch {
        return undefined;
      }
    },
  };
}
