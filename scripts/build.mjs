// Bundles each Lambda (functions/<name>/handler.ts) into dist/functions/<name>/index.mjs:
// ESM for the nodejs22.x runtime, AWS SDK bundled (pinned versions, faster cold start than the
// runtime's copy). The SDK is taken from its ES-module builds (dist-es), which esbuild can
// tree-shake down to the commands a function sends; their CommonJS builds (dist-cjs) are one
// module per client, bundled whole. The X-Ray SDK under Powertools Tracer is CommonJS and calls
// require() for Node's built-ins, hence the createRequire banner. `bench/bundles.ts` (`npm run bench -- --only bundles`) prints each bundle's size and
// import cost.
// `npm run build` runs it; the CDK app (infra/) imports `buildFunctions` so both ship the same bundles.
import { build } from "esbuild";
import { readdirSync, existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sdkSchemasPlugin } from "./sdk-schemas-plugin.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const functionsDir = join(root, "functions");

/** The function directories: every functions/<name>/ with a handler.ts. */
export function functionNames() {
  return readdirSync(functionsDir).filter((name) => existsSync(join(functionsDir, name, "handler.ts")));
}

/**
 * The Lambdas that route by configuration (webhook, power) import the root gantry.config.ts;
 * this points that import at another file, so a stack built from `GANTRY_CONFIG=<file>` carries
 * the configuration it was built from.
 */
function configFilePlugin(configFile) {
  return {
    name: "gantry-config-file",
    setup(builder) {
      builder.onResolve({ filter: /(^|\/)gantry\.config\.js$/ }, () => ({ path: resolve(configFile) }));
    },
  };
}

/**
 * Bundles every function into `<outdir>/<name>/index.mjs`. One esbuild run for all of them, so
 * the modules they share (core/, aws/, the SDK) are parsed once. `configFile` is the
 * configuration bundled into the functions that read it (default: the root gantry.config.ts).
 */
export async function buildFunctions({ outdir = join(root, "dist", "functions"), configFile = join(root, "gantry.config.ts") } = {}) {
  const names = functionNames();
  await build({
    plugins: [configFilePlugin(configFile), sdkSchemasPlugin()],
    entryPoints: Object.fromEntries(names.map((name) => [`${name}/index`, join(functionsDir, name, "handler.ts")])),
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    // For platform node esbuild reads "main" first, which is dist-cjs in every SDK package.
    mainFields: ["module", "main"],
    target: "node22",
    format: "esm",
    minify: true,
    // Step Functions' Retry and Catch match the error class names the handlers throw
    // (`this.name = new.target.name`): minified class names would match none of them.
    keepNames: true,
    sourcemap: "linked",
    legalComments: "none",
    banner: { js: "import { createRequire as gantryCreateRequire } from 'node:module'; const require = gantryCreateRequire(import.meta.url);" },
    logLevel: "warning",
  });
  return { outdir, names };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const { outdir, names } = await buildFunctions();
  for (const name of names) {
    const size = statSync(join(outdir, name, "index.mjs")).size;
    console.log(`${name.padEnd(24)} ${(size / 1024).toFixed(0).padStart(6)} KiB`);
  }
  console.log(`built ${names.length} functions in ${Date.now() - started} ms`);
}
