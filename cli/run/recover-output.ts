import type { RecoverOptions } from "../commands/recover.js";
import { line, printJson } from "../output.js";

/** What `gantry recover` says when no rollout of the app/env is left unfinished. */
export function printNothingToRecover(app: string, env: string, options: RecoverOptions): number {
  if (options.json) printJson({ app, env, recovering: false });
  else line(`Nothing to recover: no rollout of ${app}/${env} is recorded as unfinished.`);
  return 0;
}
