import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** statemachines/, beside infra/. */
export const DEFINITIONS_DIR = fileURLToPath(new URL("../../statemachines/", import.meta.url));

/** The definition of one state machine, as the file has it, `${...}` placeholders and all. */
export function readDefinition(machine: string, dir = DEFINITIONS_DIR): string {
  return readFileSync(join(dir, `${machine}.asl.json`), "utf8");
}

/** Every `${Name}` placeholder a definition uses. */
export function placeholdersIn(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] as string))];
}

interface StateLike {
  Type?: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Branches?: { States?: Record<string, StateLike> }[];
  Iterator?: { States?: Record<string, StateLike> };
  ItemProcessor?: { States?: Record<string, StateLike> };
}

/**
 * The longest `TimeoutSeconds` of the Task states that call each placeholder, nested states
 * included: a Lambda needs no longer than the state that waits for it.
 */
export function taskTimeouts(definition: string): Record<string, number> {
  const timeouts: Record<string, number> = {};
  const visit = (states: Record<string, StateLike> | undefined): void => {
    for (const state of Object.values(states ?? {})) {
      const placeholder = /^\$\{([A-Za-z0-9_]+)\}$/.exec(state.Resource ?? "")?.[1];
      if (state.Type === "Task" && placeholder && state.TimeoutSeconds) {
        timeouts[placeholder] = Math.max(timeouts[placeholder] ?? 0, state.TimeoutSeconds);
      }
      for (const branch of state.Branches ?? []) visit(branch.States);
      visit(state.Iterator?.States);
      visit(state.ItemProcessor?.States);
    }
  };
  visit((JSON.parse(definition) as { States?: Record<string, StateLike> }).States);
  return timeouts;
}
