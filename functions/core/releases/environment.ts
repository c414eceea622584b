import { InvalidVariableNameError, InvalidConfigChangeError } from "../errors.js";

/**
 * An app/env's environment as gantry keeps it: one SSM SecureString per variable under
 * `/gantry/<app>/<env>/env/<NAME>`. Every variable is a SecureString, secret or not: gantry
 * never has to guess which values are secrets, and none is ever stored or shown in the clear.
 */

/** What a shell, systemd's EnvironmentFile and every common runtime accept as a variable name. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Set by the bootstrap on every instance; a variable of the same name would hide it (EnvironmentFile overrides Environment=). */
export const RESERVED_NAMES: Readonly<Record<string, string>> = {
  RELEASE: "the release id the instance runs, which /version must report",
  INSTANCE_ID: "the instance's id",
};

/** SSM's standard tier holds up to 4 KB per value. */
export const MAX_VALUE_BYTES = 4096;

/** The SSM path every variable of an app/env lives under, with its trailing slash. */
export function environmentPath(app: string, env: string): string {
  return `/gantry/${app}/${env}/env/`;
}

/** The SSM parameter of one variable. */
export function parameterName(app: string, env: string, name: string): string {
  return `${environmentPath(app, env)}${name}`;
}

/** The variable a parameter under the app/env's path holds; undefined for one outside it or nested deeper. */
export function variableOf(app: string, env: string, parameter: string): string | undefined {
  const prefix = environmentPath(app, env);
  if (!parameter.startsWith(prefix)) return undefined;
  const name = parameter.slice(prefix.length);
  return VARIABLE_NAME.test(name) ? name : undefined;
}

/** Fails with the name and the rule unless `name` may be a variable of an app's environment. */
export function checkVariableName(name: string): void {
  if (!VARIABLE_NAME.test(name)) {
    throw new InvalidVariableNameError(
      `"${name}" is not a valid environment variable name: use letters, digits and underscores, not starting with a digit (${VARIABLE_NAME.source}).`,
    );
  }
  const reserved = RESERVED_NAMES[name];
  if (reserved !== undefined)
    throw new InvalidVariableNameError(`"${name}" is set by gantry's bootstrap on every instance (${reserved}): choose another name.`);
}

/** One variable to set; its value is never put in a message. */
export interface Assignment {
  name: string;
  value: string;
}

/**
 * `KEY=VALUE` arguments as assignments, split at the first "=". A name given twice, a bad name,
 * an empty value (SSM holds none), a value of more than one line (an EnvironmentFile line holds
 * one) or over 4 KB are refused, naming the variable and never the value.
 */
export function parseAssignments(args: readonly string[]): Assignment[] {
  if (args.length === 0) throw new InvalidConfigChangeError("Nothing to set: give one or more KEY=VALUE, e.g. gantry config set hello prod GREETING=hi.");
  const seen = new Set<string>();
  return args.map((arg) => {
    const equals = arg.indexOf("=");
    if (equals < 0) throw new InvalidConfigChangeError(`"${arg}" is not KEY=VALUE: write ${arg}=<value> (gantry config unset removes a variable).`);
    const name = arg.slice(0, equals);
    const value = arg.slice(equals + 1);
    checkVariableName(name);
    if (seen.has(name)) throw new InvalidConfigChangeError(`${name} is given twice: set each variable once.`);
    seen.add(name);
    if (value.length === 0) throw new InvalidConfigChangeError(`${name} has an empty value, which SSM Parameter Store cannot hold: unset ${name} instead.`);
    if (/[\r\n\0]/.test(value)) throw new InvalidConfigChangeError(`${name}'s value has a line break or NUL: an environment file holds one line per variable.`);
    if (Buffer.byteLength(value, "utf8") > MAX_VALUE_BYTES)
      throw new InvalidConfigChangeError(`${name}'s value is over ${MAX_VALUE_BYTES} bytes, the most SSM's standard tier holds.`);
    return { name, value };
  });
}

/** Names for `gantry config unset`: each valid and given once. */
export function parseUnsetNames(args: readonly string[]): string[] {
  if (args.length === 0) throw new InvalidConfigChangeError("Nothing to unset: give one or more variable names, e.g. gantry config unset hello prod GREETING.");
  const seen = new Set<string>();
  for (const name of args) {
    checkVariableName(name);
    if (seen.has(name)) throw new InvalidConfigChangeError(`${name} is given twice: unset each variable once.`);
    seen.add(name);
  }
  return [...seen];
}

/** A variable as SSM holds it now: its value and the version that value is. */
export interface StoredVariable {
  value: string;
  version: number;
}

/** What a change writes: the puts and deletes, in name order; nothing when nothing changes. */
export interface ConfigWritePlan {
  put: Assignment[];
  remove: string[];
  /** Variables named that already hold the value given, so are not written again. */
  unchanged: string[];
}

/**
 * The writes a `config set` or `config unset` needs against the environment as it is: a value
 * equal to the current one is not written (a new SSM version would make a release for nothing);
 * unsetting a variable that is not set is refused, naming it.
 */
export function planConfigWrite(
  current: Readonly<Record<string, StoredVariable>>,
  change: { set?: readonly Assignment[]; unset?: readonly string[] },
  where: string,
): ConfigWritePlan {
  const set = [...(change.set ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1));
  const unset = [...(change.unset ?? [])].sort();
  const missing = unset.filter((name) => current[name] === undefined);
  if (missing.length > 0)
    throw new InvalidConfigChangeError(`${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set for ${where}: nothing was changed.`);
  return {
    put: set.filter(({ name, value }) => current[name]?.value !== value),
    remove: unset,
    unchanged: set.filter(({ name, value }) => current[name]?.value === value).map(({ name }) => name),
  };
}

/** How `gantry config get` shows a value unless asked for it: the same for every value, so not even its length shows. */
export const MASKED_VALUE = "********";
