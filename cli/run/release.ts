import { environmentOf } from "../../functions/core/config/config.js";
import type { ReleaseCreateOptions } from "../commands/release.js";
import { openLocalReleaseStore } from "../lifecycle.js";
import { line, note, printJson } from "../output.js";
import { createRelease, type CreatedRelease } from "../release/create.js";

/**
 * `gantry release create`: on AWS into the stack's release bucket with the environment from SSM;
 * with --local into the local release store. Prints the release id (JSON with --json).
 */
export async function createReleaseCommand(app: string, env: string, options: ReleaseCreateOptions): Promise<number> {
  const request = {
    app,
    env,
    ...(options.ref !== undefined ? { ref: options.ref } : {}),
    ...(options.dir !== undefined ? { dir: options.dir } : {}),
    ...(options.release !== undefined ? { release: options.release } : {}),
    now: Date.now,
    warn: note,
  };
  let created: CreatedRelease;
  if (options.local) {
    const [{ provideRuntime }, { createLocalRuntime }, { localParameterStore }, { readEnvironmentPins }] = await Promise.all([
      import("../../functions/aws/runtime.js"),
      import("../../local/runtime.js"),
      import("../../local/app-environment.js"),
      import("../../functions/aws/releases/environment-parameters.js"),
    ]);
    const bucket = await openLocalReleaseStore();
    provideRuntime(createLocalRuntime({ releaseBucket: bucket, ...localParameterStore() }));
    created = await createRelease({ ...request, readEnvironment: readEnvironmentPins });
  } else {
    const config = await (await import("../aws/target.js")).configFor(options, false);
    if (config) environmentOf(config, app, env);
    const { openReleaseStore } = await import("../aws/release-store.js");
    await openReleaseStore(options, config, app, env);
    const { readEnvironmentPins } = await import("../../functions/aws/releases/environment-parameters.js");
    created = await createRelease({ ...request, readEnvironment: readEnvironmentPins });
  }
  printCreated(created, Boolean(options.json));
  return 0;
}

function printCreated(created: CreatedRelease, json: boolean): void {
  const { manifest } = created;
  if (json) {
    printJson({
      releaseId: created.releaseId,
      outcome: created.outcome,
      bucket: created.bucket,
      app: manifest.app,
      env: manifest.env,
      ...(manifest.commit ? { commit: manifest.commit } : {}),
      slug: manifest.slug,
      environment: manifest.environment,
      createdAt: manifest.createdAt,
      source: manifest.source,
    });
    return;
  }
  const what = created.outcome === "exists" ? "already exists (same content; nothing written)" : "created";
  note(
    `release ${created.releaseId} of ${manifest.app}/${manifest.env} ${what}: slug ${manifest.slug.size} bytes, env ${manifest.environment.size} bytes in s3://${created.bucket}/${manifest.app}/${manifest.env}/${created.releaseId}/`,
  );
  line(created.releaseId);
}
