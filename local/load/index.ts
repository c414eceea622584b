export { startLoad } from "./generator.js";
export type { Load, LoadOptions, LoadReport } from "./generator.js";
