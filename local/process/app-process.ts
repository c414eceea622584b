import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** How the example app says it is ready: the one line it prints on stdout. */
const LISTENING = /^listening on (\d+)$/;

/** Lines of stderr kept to explain a process that failed to start or exited early. */
const STDERR_LINES = 20;

export interface AppProcessOptions {
  /** Directory holding `server.mjs` and `releases/`, or the unpacked slug: the process's working directory. */
  appDir: string;
  /** What to run there (default: `node server.mjs`); a slug's Procfile `web:` line runs through `/bin/sh -c`, as the bootstrap runs it. */
  command?: readonly string[];
  release: string;
  instanceId: string;
  /** Extra environment for the app, e.g. `RESPONSE_DELAY_MS`. */
  env?: Record<string, string>;
}

/**
 * One running copy of the example app: spawned with PORT=0, ready once it prints the port it
 * got, stopped with SIGTERM (the app drains in-flight requests) and SIGKILL after a bound.
 */
export class AppProcess {
  readonly pid: number | undefined;
  /** Set once the app printed `listening on <port>`. */
  port: number | undefined;
  /** Exit code, or the signal that ended it; undefined while running. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Resolves with the port once listening; rejects if the app exits first. */
  readonly listening: Promise<number>;
  /** Resolves once the process has exited and been reaped. */
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly stderr: string[] = [];
  private stopping: Promise<void> | undefined;

  constructor(options: AppProcessOptions) {
    // The IPC channel is only a lifeline: if this process dies without stopping the app, the
    // channel closes and the app shuts itself down instead of lingering as an orphan.
    const [file, ...args] = options.command ?? [process.execPath, join(options.appDir, "server.mjs")];
    this.child = spawn(file as string, args, {
      cwd: options.appDir,
      env: { ...process.env, ...options.env, PORT: "0", RELEASE: options.release, INSTANCE_ID: options.instanceId },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.pid = this.child.pid;
    createInterface({ input: this.child.stderr! }).on("line", (line) => {
      this.stderr.push(line);
      if (this.stderr.length > STDERR_LINES) this.stderr.shift();
    });
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        this.exit ??= { code, signal };
        this.port = undefined;
        resolve();
      };
      this.child.once("exit", done);
      // A spawn that fails (no such executable) emits "error" and never "exit".
      this.child.once("error", (error) => {
        this.stderr.push(error.message);
        done(null, null);
      });
    });
    this.listening = new Promise((resolve, reject) => {
      createInterface({ input: this.child.stdout! }).on("line", (line) => {
        const match = LISTENING.exec(line);
        if (match && this.port === undefined && !this.exit) {
          this.port = Number(match[1]);
          resolve(this.port);
        }
      });
      void this.exited.then(() => reject(new Error(`${options.instanceId} (${options.release}) exited before listening: ${this.describeExit()}`)));
    });
    // Callers that never wait for readiness must not see an unhandled rejection.
    this.listening.catch(() => undefined);
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** How it ended, with the last lines it wrote to stderr. */
  describeExit(): string {
    const how = this.exit?.signal ? `signal ${this.exit.signal}` : `code ${this.exit?.code ?? "?"}`;
    return this.stderr.length > 0 ? `${how}; stderr: ${this.stderr.join(" | ")}` : how;
  }

  /** SIGTERM, then SIGKILL if it is still running after `graceMs`; resolves once it exited. */
  stop(graceMs: number): Promise<void> {
    this.stopping ??= this.terminate(graceMs);
    return this.stopping;
  }

  private async terminate(graceMs: number): Promise<void> {
    if (!this.running) return this.exited;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
