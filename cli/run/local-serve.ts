import type { ExecutionEvent, ExecutionRecord } from "../../functions/core/executions/execution-record.js";
import { line, paint, statusColour } from "../output.js";
import { progressPrinter } from "../progress.js";

/** What `webhook serve` and `chat serve` print of the local deploys they start: each one's steps under its name, then its ending. */
export function localDeployPrinters(): { onDeployEvent: (execution: string, event: ExecutionEvent) => void; onDeployDone: (record: ExecutionRecord) => void } {
  const printers = new Map<string, ReturnType<typeof progressPrinter>>();
  return {
    onDeployEvent: (execution, event) => {
      if (!printers.has(execution)) {
        line(paint("bold", `• ${execution}`));
        printers.set(execution, progressPrinter({ quiet: false, prefix: "  " }));
      }
      printers.get(execution)?.(event);
    },
    onDeployDone: (record) => {
      line(`${paint("bold", record.name)} ${statusColour(record.status)}${record.cause ? `: ${record.cause}` : ""}`);
      const github = githubReportOf(record);
      if (github) line(`  github: ${github}`);
    },
  };
}

/** Serves until Ctrl-C (or SIGTERM), then closes the server; deploys still running stop with the process. */
export async function serveUntilInterrupted(server: { close: () => Promise<void> }): Promise<void> {
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  line("stopping: closing the server; deploys still running stop with it");
  await server.close();
}

/** What the deploy's last GitHub report said, if it made one. */
function githubReportOf(record: ExecutionRecord): string | undefined {
  const outputs = record.steps.map((step) => (step.output as { github?: { message?: unknown } } | undefined)?.github?.message);
  const message = outputs.reverse().find((text) => typeof text === "string");
  return typeof message === "string" ? message : undefined;
}
