// Bundles each Lambda (functions/<name>/handler.ts) into dist/functions/<name>/index.mjs:
// ESM for the nodejs22.x runtime, AWS SDK bundled (pinned versions, faster cold start than the
// runtime's copy), with a createRequire banner because some SDK dependencies still call require().
import { build } from "esbuild";
import { readdirSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const functionsDir = join(root, "functions");
const names = readdirSync(functionsDir).filter((name) => existsSync(join(functionsDir, name, "handler.ts")));

const started = Date.now();
await Promise.all(
  names.map((name) =>
    build({
      entryPoints: [join(functionsDir, name, "handler.ts")],
      outfile: join(root, "dist", "functions", name, "index.mjs"),
      bundle: true,
      platform: "node",
      target: "node22",
      format: "esm",
      minify: true,
      sourcemap: "linked",
      legalComments: "none",
      banner: { js: "import { createRequire as gantryCreateRequire } from 'node:module'; const require = gantryCreateRequire(import.meta.url);" },
      logLevel: "warning",
    }),
  ),
);
for (const name of names) {
  const size = statSync(join(root, "dist", "functions", name, "index.mjs")).size;
  console.log(`${name.padEnd(24)} ${(size / 1024).toFixed(0).padStart(6)} KiB`);
}
console.log(`built ${names.length} functions in ${Date.now() - started} ms`);
