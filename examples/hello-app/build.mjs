// hello-app's build: assembles the directory `gantry release create --dir` packs for one of the
// example's releases. A real app's CI would compile and bundle here; this one copies the server,
// the release's release.json, and writes the Procfile whose `web:` line the bootstrap runs.
//
//   node examples/hello-app/build.mjs <release id> <out dir>
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

/** Builds release `id` of the example app into `outDir`; returns outDir. */
export function buildRelease(id, outDir) {
  if (!/^[0-9a-f]{12}$/.test(id)) throw new Error(`"${id}" is not a release id (12 lowercase hex characters)`);
  const source = join(here, "releases", id, "release.json");
  if (!existsSync(source)) throw new Error(`examples/hello-app has no release ${id}: see examples/hello-app/releases/`);
  mkdirSync(join(outDir, "releases", id), { recursive: true });
  copyFileSync(join(here, "server.mjs"), join(outDir, "server.mjs"));
  copyFileSync(source, join(outDir, "releases", id, "release.json"));
  writeFileSync(join(outDir, "Procfile"), "web: node server.mjs\n");
  return outDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [id, outDir] = process.argv.slice(2);
  if (!id || !outDir) {
    process.stderr.write("usage: node examples/hello-app/build.mjs <release id> <out dir>\n");
    process.exit(2);
  }
  try {
    process.stdout.write(`${buildRelease(id, outDir)}\n`);
  } catch (error) {
    process.stderr.write(`hello-app build: ${error.message}\n`);
    process.exit(2);
  }
}
