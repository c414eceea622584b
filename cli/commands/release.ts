import type { Command } from "commander";
import { loadCommand } from "../lifecycle.js";
import { withAwsFlags, type AwsFlags } from "../flags.js";

export interface ReleaseCreateOptions extends AwsFlags {
  ref?: string;
  dir?: string;
  release?: string;
  local?: boolean;
  json?: boolean;
}

/** `gantry release create`: builds a release into the release store before anything deploys it. */
export function registerRelease(program: Command): void {
  const release = program.command("release").description("the release store: releases exist (slug + environment) before they deploy");
  const create = release
    .command("create")
    .description("pack the app (a git ref's committed tree, or a build directory) with the app/env's environment and upload it as a release")
    .argument("<app>")
    .argument("<env>")
    .option("--ref <git ref>", "pack the committed tree of this ref (branch, tag, SHA) with git archive; the release id is its commit's first 12 hex")
    .option("--dir <build dir>", "pack this directory as it is; the release id is its repository's HEAD, or --release")
    .option("--release <id>", "with --dir: the release id (12 hex, or the full commit SHA) when the directory is not in a git repository")
    .option("--local", "store the release in the local release store under .gantry/s3")
    .option("--json", "print the release as JSON on the last line");
  withAwsFlags(create).action(async (app: string, env: string, options: ReleaseCreateOptions) => {
    process.exitCode = await (await loadCommand(() => import("../run/release.js"))).createReleaseCommand(app, env, options);
  });
}
