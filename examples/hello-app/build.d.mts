/** Types of examples/hello-app/build.mjs for the TypeScript that imports it (local/). */
export function buildRelease(id: string, outDir: string): string;
