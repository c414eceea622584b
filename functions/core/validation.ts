import type * as z from "zod";

/** Renders a zod issue path the way a person writes it: `strategy.batches[2]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === "number") return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, "");
}

/**
 * One line per problem, naming the path and the value: `strategy.batches[2]: "120%" is above
 * 100%`. Messages gantry writes start with "is" and read as a sentence after the value; zod's
 * own messages are put in brackets.
 */
export function describeIssues(root: unknown, issues: readonly z.core.$ZodIssue[], prefix = ""): string[] {
  return issues.map((issue) => {
    const path = formatPath([...(prefix ? [prefix] : []), ...issue.path]) || "(input)";
    const value = valueAt(root, issue.path);
    const shown = value === undefined ? "missing" : JSON.stringify(value);
    const reads = issue.message.startsWith("is ") ? issue.message : `is invalid (${issue.message})`;
    return `${path}: ${shown} ${reads}`;
  });
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
