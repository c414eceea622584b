import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { lastMoment } from "./execution-view.js";
import { summarizeExecution, type ExecutionRecord, type ExecutionSummary } from "../functions/core/executions/execution-record.js";

/** Where the console reads executions from: the local records, or the deployed stack's history. */
export interface ExecutionSource {
  /** Said on the page: where these executions live. */
  readonly where: string;
  /** The newest executions first. */
  list(now: number): Promise<ExecutionSummary[]>;
  /** One execution with its steps; undefined when there is none of that name. */
  read(name: string): Promise<ExecutionRecord | undefined>;
}

/** How many executions the list shows. */
export const LISTED = 50;

/**
 * The executions local mode records under `.gantry/executions/` (what `gantry status --local`
 * reads), from this process or any other. A file is parsed again only when its size or time
 * changed, so the console's polling costs a directory listing and a stat per file.
 */
export class LocalExecutions implements ExecutionSource {
  private readonly parsed = new Map<string, { stamp: string; record: ExecutionRecord }>();

  constructor(readonly dir: string) {}

  get where(): string {
    return `local executions in ${this.dir}`;
  }

  async list(now: number): Promise<ExecutionSummary[]> {
    return this.records()
      .sort((a, b) => b.startedAt - a.startedAt)
      .slice(0, LISTED)
      .map((record) => summarizeExecution(record, record.stoppedAt ?? Math.max(now, lastMoment(record))));
  }

  async read(name: string): Promise<ExecutionRecord | undefined> {
    return this.records().find((record) => record.name === name);
  }

  private records(): ExecutionRecord[] {
    let files: string[];
    try {
      files = readdirSync(this.dir).filter((file) => file.endsWith(".json"));
    } catch {
      return [];
    }
    const records: ExecutionRecord[] = [];
    for (const file of files) {
      const path = join(this.dir, file);
      try {
        const stat = statSync(path);
        const stamp = `${stat.size}:${stat.mtimeMs}`;
        let entry = this.parsed.get(file);
        if (entry?.stamp !== stamp) {
          entry = { stamp, record: JSON.parse(readFileSync(path, "utf8")) as ExecutionRecord };
          this.parsed.set(file, entry);
        }
        records.push(entry.record);
      } catch {
        // A record renamed or removed between the listing and the read: the next poll sees it as it is.
        this.parsed.delete(file);
      }
    }
    return records;
  }
}
