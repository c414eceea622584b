/** Types of scripts/build.mjs for the TypeScript that imports it (infra/). */
export function functionNames(): string[];
export function buildFunctions(options?: { outdir?: string; configFile?: string }): Promise<{ outdir: string; names: string[] }>;
