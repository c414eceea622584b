/**
 * The example app's releases by role, each a release id by gantry's rule (12 lowercase hex), so
 * none can be mistaken for a release number (v1…vN): the one a fleet starts on, a good
 * update, and one whose health check fails. A module of its own, so the CLI's option defaults
 * name them without loading anything at start-up.
 */
export const EXAMPLE_RELEASES = { first: "a1f3c9e07b24", second: "b7d2e4f01c68", failing: "c3e9a5d28f10" } as const;
