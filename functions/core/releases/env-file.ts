/**
 * A release's `env` object: one `KEY=VALUE` line per variable, sorted by name, in the form
 * systemd's EnvironmentFile reads (the bootstrap points its unit at it). Values that hold
 * anything beyond plain characters are double-quoted with backslash escapes.
 */
const PLAIN = /^[A-Za-z0-9_./:@%+,=-]*$/;

/** An environment-variable name as POSIX shells and systemd accept it. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function quote(value: string): string {
  if (PLAIN.test(value)) return value;
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\$/g, "\\$")}"`;
}

/** The env file for `variables`: the same variables always give the same bytes, so release checksums are stable. */
export function formatEnvFile(variables: Record<string, string>): string {
  return Object.keys(variables)
    .sort()
    .map((name) => `${name}=${quote(variables[name] ?? "")}\n`)
    .join("");
}

function unquote(raw: string): string {
  if (!(raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2)) return raw;
  return raw.slice(1, -1).replace(/\\(.)/g, (_, next: string) => (next === "n" ? "\n" : next));
}

/** The variables in an env file written by formatEnvFile (blank lines and # comments skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const at = line.indexOf("=");
    if (at <= 0) continue;
    const name = line.slice(0, at);
    if (VARIABLE_NAME.test(name)) variables[name] = unquote(line.slice(at + 1));
  }
  return variables;
}
