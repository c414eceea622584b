import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ExecutionRecord } from "../functions/core/executions/execution-record.js";
import { endAbandoned } from "./abandoned-runs.js";

/**
 * Local executions, one JSON file each under `.gantry/executions/`, written as the execution
 * runs so `gantry status` in another terminal sees it move. Writes go through a temporary file
 * and a rename, so a reader never sees half a record.
 */
/** Where local mode keeps its state: `$GANTRY_HOME`, or `.gantry` in the working directory. */
export function gantryHome(): string {
  return process.env.GANTRY_HOME ?? ".gantry";
}

export class ExecutionStore {
  readonly dir: string;

  constructor(root = gantryHome()) {
    this.dir = join(root, "executions");
  }

  save(record: ExecutionRecord): void {
    mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, `${record.name}.json`);
    writeFileSync(`${path}.tmp`, JSON.stringify(record));
    renameSync(`${path}.tmp`, path);
  }

  /** Every recorded execution, newest first. */
  list(): ExecutionRecord[] {
    let files: string[];
    try {
      files = readdirSync(this.dir).filter((file) => file.endsWith(".json"));
    } catch {
      return [];
    }
    return files.map((file) => this.read(join(this.dir, file))).sort((a, b) => b.startedAt - a.startedAt);
  }

  /** One execution by name, or by a unique prefix of its name; `matches` names every execution the prefix starts. */
  lookup(name: string): { record?: ExecutionRecord; matches: string[] } {
    const all = this.list();
    const exact = all.find((record) => record.name === name);
    if (exact) return { record: exact, matches: [exact.name] };
    const matches = all.filter((record) => record.name.startsWith(name));
    const [only] = matches;
    return only && matches.length === 1 ? { record: only, matches: [only.name] } : { matches: matches.map((record) => record.name) };
  }

  private read(path: string): ExecutionRecord {
    return endAbandoned(JSON.parse(readFileSync(path, "utf8")) as ExecutionRecord);
  }
}
