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
 * own messages are put in brackets. A key the schema does not know gets a line of its own,
 * with the nearest known key when `schema` is given: a typo must not load silently.
 */
export function describeIssues(root: unknown, issues: readonly z.core.$ZodIssue[], schema?: z.ZodType): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      const known = schema ? knownKeysAt(schema, issue.path) : [];
      return issue.keys.map((key) => `${formatPath([...issue.path, key])} is not a known key${suggestion(key, known)}`);
    }
    const path = formatPath(issue.path) || "(input)";
    const value = valueAt(root, issue.path);
    const shown = value === undefined ? "missing" : JSON.stringify(value);
    const reads = issue.message.startsWith("is ") ? issue.message : `is invalid (${issue.message})`;
    return [`${path}: ${shown} ${reads}`];
  });
}

function suggestion(key: string, known: readonly string[]): string {
  const nearest = nearestWord(key, known);
  if (nearest) return `: did you mean ${JSON.stringify(nearest)}?`;
  return known.length > 0 ? ` (known here: ${known.join(", ")})` : "";
}

/**
 * The known word closest to `word`, if it is close enough to be a typo of it: at most 40 % of
 * the longer word's letters changed (at least one), ignoring case.
 */
export function nearestWord(word: string, known: readonly string[]): string | undefined {
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    const limit = Math.max(1, Math.floor(Math.max(word.length, candidate.length) * 0.4));
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { word: candidate, distance };
  }
  return best?.word;
}

/** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

type SchemaDef = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
};

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The schemas a value at this level may match: through defaults, optionals, pipes and unions. */
function alternatives(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  if (def.innerType) return alternatives(def.innerType);
  if (def.type === "pipe" && def.in) return alternatives(def.in);
  if (def.type === "union" && def.options) return def.options.flatMap(alternatives);
  return [schema];
}

/** The keys the object schema at `path` knows, for a suggestion. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let level = alternatives(schema);
  for (const key of path) {
    level = level.flatMap((candidate) => {
      const def = defOf(candidate);
      const next = def.type === "object" ? def.shape?.[String(key)] : def.type === "record" ? def.valueType : def.type === "array" ? def.element : undefined;
      return next ? alternatives(next) : [];
    });
  }
  return [...new Set(level.flatMap((candidate) => Object.keys(defOf(candidate).shape ?? {})))];
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
