/**
 * Step Functions execution names: at most 80 characters, none of whitespace or
 * ? * < > { } [ ] " # % \ ^ | ~ ` $ & , ; : /  — and unique per state machine for 90 days,
 * which is what makes a redelivered push start nothing new.
 */
const FORBIDDEN = /[\s?*<>{}[\]"#%\\^|~`$&,;:/]+/g;
const MAX_LENGTH = 80;

/** `hello-prod-3f2c1ab-1a2b3c4d`: app, env, release and a suffix that makes the run unique. */
export function executionName(app: string, env: string, release: string, suffix: string): string {
  const clean = (text: string) => text.replace(FORBIDDEN, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  const tail = `-${clean(suffix)}`;
  const head = clean(`${app}-${env}-${release}`).slice(0, MAX_LENGTH - tail.length);
  return `${head}${tail}`;
}
