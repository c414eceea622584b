import ts from "typescript";
import { UsageError } from "../output.js";

/** What `gantry init` adds to a configuration: one app/env, and the gate's VPC when it is missing. */
export interface ConfigSection {
  app: string;
  env: string;
  /** Set when the app is new to the file: its repository. */
  repository?: string;
  /** The environment's settings, as written (plain JSON values). */
  environment: Record<string, unknown>;
  /** A comment above the environment: where its values came from. */
  comment?: string;
  /** infrastructure.vpc to add, when the configuration has none. */
  vpc?: { subnetIds: string[]; securityGroupIds: string[] };
}

interface Edit {
  at: number;
  text: string;
}

/**
 * The configuration's text with `section` inserted, found through TypeScript's parser (not by
 * searching the text), so comments, formatting and everything else stay as they were. It edits
 * only object literals it can see: `export default defineConfig({ apps: { … } })`; anything built
 * otherwise (a variable, a spread, a function call) is ambiguous, and it refuses, saying what to
 * add by hand. The caller checks the result loads before writing it.
 */
export function insertSection(source: string, section: ConfigSection, fileName = "gantry.config.ts"): string {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const byHand = `add apps.${section.app}.environments.${section.env} by hand (gantry init --json prints it)`;
  const root = rootObject(file);
  if (!root) throw new UsageError(`${fileName} does not end in \`export default defineConfig({ … })\` with an object gantry can edit: ${byHand}.`);
  const apps = literalProperty(root, "apps", fileName, byHand);
  if (!apps) throw new UsageError(`${fileName} has no \`apps: { … }\` object: ${byHand}.`);
  const edits: Edit[] = [];
  const app = literalProperty(apps, section.app, fileName, byHand);
  const envText = `${key(section.env)}: ${render(section.environment)}`;
  const envBlock = section.comment ? `// ${section.comment}\n${envText}` : envText;
  if (!app) {
    if (!section.repository)
      throw new UsageError(`apps.${section.app} is not in ${fileName}: pass --repository <owner/name>, the GitHub repository it deploys from.`);
    edits.push(
      insertInto(
        source,
        apps,
        `${key(section.app)}: {\n  repository: ${JSON.stringify(section.repository)},\n  environments: {\n${indent(envBlock, "    ")},\n  },\n}`,
      ),
    );
  } else {
    const environments = literalProperty(app, "environments", fileName, byHand);
    if (!environments) throw new UsageError(`apps.${section.app} in ${fileName} has no \`environments: { … }\` object: ${byHand}.`);
    if (findProperty(environments, section.env)) {
      throw new UsageError(
        `apps.${section.app}.environments.${section.env} is already in ${fileName}: remove it there first to write it again, or run gantry init for another app/env.`,
      );
    }
    edits.push(insertInto(source, environments, envBlock));
  }
  if (section.vpc) {
    const vpcText = `vpc: ${render(section.vpc)}`;
    const infrastructure = literalProperty(root, "infrastructure", fileName, "add infrastructure.vpc by hand");
    edits.push(infrastructure ? insertInto(source, infrastructure, vpcText) : insertInto(source, root, `infrastructure: {\n  ${vpcText},\n}`));
  }
  return edits.sort((a, b) => b.at - a.at).reduce((text, edit) => text.slice(0, edit.at) + edit.text + text.slice(edit.at), source);
}

/** A new configuration file holding only `section`; `importPath` reaches defineConfig. */
export function newConfigFile(section: ConfigSection, importPath: string): string {
  const empty = `import { defineConfig } from ${JSON.stringify(importPath)};\n\nexport default defineConfig({\n  apps: {},\n});\n`;
  return insertSection(empty, section);
}

function rootObject(file: ts.SourceFile): ts.ObjectLiteralExpression | undefined {
  const assignment = file.statements.find((statement): statement is ts.ExportAssignment => ts.isExportAssignment(statement) && !statement.isExportEquals);
  let expression = assignment?.expression;
  while (expression && (ts.isParenthesizedExpression(expression) || ts.isSatisfiesExpression(expression) || ts.isAsExpression(expression))) {
    expression = expression.expression;
  }
  if (expression && ts.isCallExpression(expression) && expression.arguments.length === 1) expression = expression.arguments[0];
  return expression && ts.isObjectLiteralExpression(expression) ? expression : undefined;
}

function findProperty(object: ts.ObjectLiteralExpression, name: string): ts.ObjectLiteralElementLike | undefined {
  return object.properties.find((property) => {
    const propertyName = property.name;
    if (!propertyName) return false;
    return (ts.isIdentifier(propertyName) || ts.isStringLiteral(propertyName)) && propertyName.text === name;
  });
}

/** The object literal at `name`, undefined when absent; refuses anything else there (or a spread it cannot see through). */
function literalProperty(object: ts.ObjectLiteralExpression, name: string, fileName: string, byHand: string): ts.ObjectLiteralExpression | undefined {
  const property = findProperty(object, name);
  if (!property) {
    if (object.properties.some((element) => ts.isSpreadAssignment(element) || ts.isShorthandPropertyAssignment(element))) {
      throw new UsageError(
        `${fileName} builds an object from a spread or a variable where gantry would look for "${name}", so where it goes is ambiguous: ${byHand}.`,
      );
    }
    return undefined;
  }
  if (ts.isPropertyAssignment(property) && ts.isObjectLiteralExpression(property.initializer)) return property.initializer;
  throw new UsageError(`"${name}" in ${fileName} is not written as an object literal, so gantry cannot add to it safely: ${byHand}.`);
}

function lineIndent(source: string, position: number): string {
  const lineStart = source.lastIndexOf("\n", position - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))?.[0] ?? "";
}

/** Inserts a property at the end of an object literal, indented like its other properties, with a trailing comma. */
function insertInto(source: string, object: ts.ObjectLiteralExpression, property: string): Edit {
  const properties = object.properties;
  const last = properties[properties.length - 1];
  if (!last) {
    const outer = lineIndent(source, object.getStart());
    const inner = `${outer}  `;
    return { at: object.getStart() + 1, text: `\n${indent(property, inner)},\n${outer}` };
  }
  const inner = lineIndent(source, (properties[0] as ts.ObjectLiteralElementLike).getStart());
  if (properties.hasTrailingComma) return { at: source.indexOf(",", last.end) + 1, text: `\n${indent(property, inner)},` };
  return { at: last.end, text: `,\n${indent(property, inner)},` };
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => (line ? prefix + line : line))
    .join("\n");
}

function key(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** A value as TypeScript source: objects over several lines, short arrays and scalars inline. */
function render(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(render).join(", ")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([name, item]) => indent(`${key(name)}: ${render(item)},`, "  ")).join("\n")}\n}`;
  }
  return JSON.stringify(value);
}
