/** Types of scripts/sdk-schemas-plugin.mjs for the TypeScript that imports it (tests). */
import type { Plugin } from "esbuild";
export function sdkSchemasPlugin(): Plugin;
export function inlineKeyConstants(source: string): string;
