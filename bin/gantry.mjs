#!/usr/bin/env node
// The gantry CLI runs its TypeScript sources through tsx, so the commands and the Lambdas share
// one codebase without a build step for local use.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
