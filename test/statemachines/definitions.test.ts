import aslValidator from "asl-validator";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEPLOY_WINDOW_MAX_WAIT_SECONDS } from "../../functions/core/deploy-window/deploy-window-check.js";
import { ERROR_NAMES, FAIL_STATE_ERRORS, POWER_FAIL_STATE_ERRORS, TRANSIENT_ERROR_NAMES } from "../../functions/core/errors.js";
import { deployHandlers, machineHandlers, powerHandlers } from "../../local/handlers.js";
import { FUNCTIONS, machines, placeholdersOf } from "../../functions/catalog.js";

const root = join(import.meta.dirname, "../..");
const dir = join(root, "statemachines");
const files = readdirSync(dir).filter((file) => file.endsWith(".asl.json"));

interface State {
  Type: string;
  Resource?: string;
  Error?: string;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[] }[];
}

function load(file: string): { States: Record<string, State> } {
  return JSON.parse(readFileSync(join(dir, file), "utf8")) as { States: Record<string, State> };
}

const isPlatformError = (name: string) => name.startsWith("States.") || name.startsWith("Lambda.");

/** What a Task calls: its Resource, or for a callback Task (Lambda with a task token) the function its Parameters name. */
function taskTarget(state: { Resource?: string; Parameters?: unknown }): string | undefined {
  if (state.Resource === "arn:aws:states:::lambda:invoke.waitForTaskToken") return (state.Parameters as { FunctionName?: string } | undefined)?.FunctionName;
  return state.Resource;
}

describe.each(files)("state machine %s", (file) => {
  const definition = load(file);
  const states = Object.entries(definition.States);
  const tasks = states.filter(([, state]) => state.Type === "Task");

  it("is valid Amazon States Language", () => {
    const result = aslValidator(definition);
    expect(result.errorsText(), result.errorsText()).toBe("");
    expect(result.isValid).toBe(true);
  });

  it("uses only ${...} placeholders as Task resources, each in the catalog and with a local handler", () => {
    const machine = file.replace(/\.asl\.json$/, "");
    const catalog = placeholdersOf(machine);
    for (const [name, state] of tasks) {
      const placeholder = /^\$\{(\w+)\}$/.exec(taskTarget(state) ?? "")?.[1];
      expect(placeholder, `Task "${name}" resource ${state.Resource}`).toBeDefined();
      expect(Object.keys(catalog), `Task "${name}"`).toContain(placeholder);
      expect(Object.keys(machineHandlers[machine] ?? {}), `Task "${name}"`).toContain(placeholder);
    }
    // Both directions: nothing in the catalog that the definition does not use.
    const used = tasks.map(([, state]) => taskTarget(state));
    for (const placeholder of Object.keys(catalog)) expect(used).toContain(`\${${placeholder}}`);
  });

  it("names in Retry and Catch only errors that exist in core/errors.ts or the platform", () => {
    const named = tasks.flatMap(([, state]) => [...(state.Retry ?? []), ...(state.Catch ?? [])].flatMap((rule) => rule.ErrorEquals));
    const unknown = named.filter((name) => !isPlatformError(name) && !ERROR_NAMES.includes(name));
    expect(unknown).toEqual([]);
  });

  it("retries every transient error on every Task and catches everything else", () => {
    for (const [name, state] of tasks) {
      const retried = (state.Retry ?? []).flatMap((rule) => rule.ErrorEquals);
      expect(TRANSIENT_ERROR_NAMES).toEqual(expect.arrayContaining(["AwsThrottledError", "AwsTransientError", "ContendedWriteError"]));
      expect(retried, `Task "${name}"`).toEqual(expect.arrayContaining([...TRANSIENT_ERROR_NAMES, "Lambda.ServiceException"]));
      const caught = (state.Catch ?? []).flatMap((rule) => rule.ErrorEquals);
      expect(caught, `Task "${name}" must Catch States.ALL so no failure skips the cleanup`).toContain("States.ALL");
    }
  });

  it("ends with Fail error names listed in core/errors.ts", () => {
    const fails = states.flatMap(([, state]) => (state.Type === "Fail" && state.Error ? [state.Error] : []));
    for (const error of fails) expect([...FAIL_STATE_ERRORS, ...POWER_FAIL_STATE_ERRORS]).toContain(error);
  });
});

describe("deploy definition", () => {
  it("uses every deploy handler and every Fail error name", () => {
    const definition = load("deploy.asl.json");
    const resources = Object.values(definition.States).map((state) => taskTarget(state));
    for (const placeholder of Object.keys(deployHandlers)) expect(resources).toContain(`\${${placeholder}}`);
    const fails = Object.values(definition.States).flatMap((state) => (state.Type === "Fail" && state.Error ? [state.Error] : []));
    for (const error of FAIL_STATE_ERRORS) expect(fails).toContain(error);
  });

  it("times out only after the longest wait for a deploy window plus the 12 h of a rollout", () => {
    const { TimeoutSeconds } = JSON.parse(readFileSync(join(dir, "deploy.asl.json"), "utf8")) as { TimeoutSeconds: number };

    expect(TimeoutSeconds).toBe(DEPLOY_WINDOW_MAX_WAIT_SECONDS + 12 * 3_600);
  });
});

describe("power definition", () => {
  it("uses every power handler and every power Fail error name, each Fail with a cause path", () => {
    const definition = load("power.asl.json");
    const states = Object.values(definition.States) as (State & { CausePath?: string })[];
    for (const placeholder of Object.keys(powerHandlers)) expect(states.map((state) => state.Resource)).toContain(`\${${placeholder}}`);
    const fails = states.filter((state) => state.Type === "Fail");
    expect(fails.map((state) => state.Error).sort()).toEqual([...POWER_FAIL_STATE_ERRORS].sort());
    for (const fail of fails) expect(fail.CausePath).toMatch(/^\$\./);
  });
});

describe("function catalog", () => {
  it("names a handler.ts for every function and a definition file for every state machine", () => {
    for (const entry of FUNCTIONS) expect(existsSync(join(root, "functions", entry.dir, "handler.ts")), entry.dir).toBe(true);
    for (const machine of machines()) expect(files).toContain(`${machine}.asl.json`);
  });
});
