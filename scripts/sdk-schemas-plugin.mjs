import { readFile } from "node:fs/promises";

/**
 * Lets esbuild drop the schemas of the operations a function never calls. An AWS SDK client
 * (dist-es) keeps every shape of its service in one module, `schemas/schemas_0.js`, as array
 * literals: `export var RunInstancesRequest$ = [3, n0, _RIR, 0, [...], [[0, { [_xN]: _m }]]]`.
 * Their object keys are computed from module constants (`const _xN = "xmlName"`), and esbuild
 * cannot prove a computed key free of side effects (a non-string key would call its toString),
 * so it keeps every shape: 554 KB of EC2's for the four EC2 calls gantry makes. Writing each
 * constant's string in place of its name in those keys changes nothing at run time and makes
 * the shapes pure, so only the ones an imported command reaches are bundled. A schemas module
 * that is laid out differently passes through unchanged: the bundle is then only larger.
 */
export function sdkSchemasPlugin() {
  return {
    name: "gantry-sdk-schemas",
    setup(builder) {
      builder.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
        const source = await readFile(args.path, "utf8");
        return { contents: inlineKeyConstants(source), loader: "js" };
      });
    },
  };
}

/** Replaces `[_name]:` by `["value"]:` for every top-level `const _name = "value";` of the module. */
export function inlineKeyConstants(source) {
  const values = new Map();
  for (const [, name, value] of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) values.set(name, value);
  return source.replace(/\[(_\w+)\]:/g, (key, name) => (values.has(name) ? `[${values.get(name)}]:` : key));
}
