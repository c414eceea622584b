import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { ContendedWriteError, ReleaseAlreadyFinishedError, ReleaseNotFoundError } from "../../core/errors.js";
import { finishableFrom, parseReleaseLabel, startedRelease, type FinalStatus, type ReleaseRecord, type ReleaseStart } from "../../core/releases/releases.js";
import { MAX_CONDITIONAL_ATTEMPTS, appEnvKey, documents, gantryTableName, isConditionFailed, placeholdersIn } from "../dynamo-client.js";

/** Zero-padded so sort keys order the way numbers do; ten digits outlast any fleet. */
const releaseSk = (number: number) => `release#${String(number).padStart(10, "0")}`;
const FIRST_SK = releaseSk(0);
const LAST_SK = releaseSk(9_999_999_999);

function key(app: string, env: string, sk: string) {
  return { pk: appEnvKey(app, env), sk };
}

async function getItem(app: string, env: string, sk: string): Promise<Record<string, unknown> | undefined> {
  const answer = await documents().send(new GetCommand({ TableName: gantryTableName(), Key: key(app, env, sk), ConsistentRead: true }));
  return answer.Item;
}

/** Writes `item` unless its key exists; false when it did. */
async function putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
  try {
    await documents().send(new PutCommand({ TableName: gantryTableName(), Item: item, ConditionExpression: "attribute_not_exists(pk)" }));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** The stored item without its keys, which are layout, not part of the release. */
function toRecord(item: Record<string, unknown>): ReleaseRecord {
  const record = { ...item };
  delete record.pk;
  delete record.sk;
  return record as unknown as ReleaseRecord;
}

/**
 * Numbers `start` as the next release of its app/env, once per execution: a retry of the same
 * execution gets the record it already has. Numbers have no gaps and no duplicates, however
 * many deploys start at once and wherever one of them dies.
 *
 * Why not an ADD counter and a TransactWriteItems: an ADD hands out a number before anything
 * ties it to the execution, so a Lambda that dies just after leaves a gap that its retry cannot
 * find; and dynalite, local mode's DynamoDB, has no transactions.
 * Instead the release item itself claims number n (a put conditioned on attribute_not_exists),
 * and n is only tried once the counter says n-1 is complete. A release is complete when its
 * execution item points at it and the counter has reached it. Whoever finds a number taken but
 * not complete completes it (execution item first, then counter) before trying the next, so a
 * claim whose writer died is finished by the next writer and found by the retry.
 */
export async function recordRelease(start: ReleaseStart): Promise<ReleaseRecord> {
  const { app, env, execution } = start;
  let last = await readCounter(app, env);
  for (let attempt = 0; attempt < MAX_CONDITIONAL_ATTEMPTS; attempt += 1) {
    // Read after the counter: the counter reaching n implies n's execution item exists, so an
    // execution that already holds a number up to `last` is found here.
    const recorded = await getItem(app, env, `execution#${execution}`);
    if (recorded !== undefined) return readRelease(app, env, Number(recorded.number));
    const claim = startedRelease(start, last + 1);
    if (await putIfAbsent({ ...key(app, env, releaseSk(claim.number)), ...claim })) {
      await complete(claim);
      return claim;
    }
    last = await readCounter(app, env);
    if (last < claim.number) {
      // Its claimer has not completed it yet, and may never: complete it for them.
      const claimed = await readRelease(app, env, claim.number);
      await complete(claimed);
      if (claimed.execution === execution) return claimed;
      last = claim.number;
    }
  }
  throw new ContendedWriteError(
    `Numbering a release of ${app}/${env} for ${execution} lost to other deploys ${MAX_CONDITIONAL_ATTEMPTS} times in a row; retry the step.`,
  );
}

async function readCounter(app: string, env: string): Promise<number> {
  return Number((await getItem(app, env, "release-counter"))?.last ?? 0);
}

/** Ties a claimed number to its execution, then moves the counter up to it; both idempotent. */
async function complete(release: ReleaseRecord): Promise<void> {
  const { app, env, execution, number } = release;
  await putIfAbsent({ ...key(app, env, `execution#${execution}`), number });
  try {
    await documents().send(
      new UpdateCommand({
        TableName: gantryTableName(),
        Key: key(app, env, "release-counter"),
        UpdateExpression: "SET #last = :number",
        ConditionExpression: "attribute_not_exists(#last) OR #last < :number",
        ExpressionAttributeNames: { "#last": "last" },
        ExpressionAttributeValues: { ":number": number },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

async function readRelease(app: string, env: string, number: number): Promise<ReleaseRecord> {
  const item = await getItem(app, env, releaseSk(number));
  if (item === undefined) {
    throw new ReleaseNotFoundError(`Release v${number} of ${app}/${env} was not found; run "gantry releases ${app} ${env}" to list the releases.`);
  }
  return toRecord(item);
}

/** What an execution reports when its deploy ends. */
export interface ReleaseFinish {
  app: string;
  env: string;
  execution: string;
  status: FinalStatus;
  /** ISO 8601. */
  finishedAt: string;
  cause?: string;
}

/**
 * Ends the release `execution` recorded. Idempotent: finishing again with the same status
 * keeps the first finish. Ending differently is refused, except marking a deployed release
 * rolled back.
 */
export async function finishRelease(finish: ReleaseFinish): Promise<ReleaseRecord> {
  const { app, env, execution, status } = finish;
  const recorded = await getItem(app, env, `execution#${execution}`);
  if (recorded === undefined) {
    throw new ReleaseNotFoundError(
      `No release of ${app}/${env} was recorded by execution ${execution}; record it when the deploy starts, or run "gantry releases ${app} ${env}" to list the releases.`,
    );
  }
  const number = Number(recorded.number);
  const from = finishableFrom(status);
  const update = `SET #status = :status, #finishedAt = :finishedAt${finish.cause === undefined ? "" : ", #cause = :cause"}`;
  const condition = `#status IN (${from.map((_, index) => `:from${index}`).join(", ")})`;
  const values: Record<string, unknown> = { ":status": status, ":finishedAt": finish.finishedAt, ":cause": finish.cause };
  from.forEach((previous, index) => (values[`:from${index}`] = previous));
  try {
    const answer = await documents().send(
      new UpdateCommand({
        TableName: gantryTableName(),
        Key: key(app, env, releaseSk(number)),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: placeholdersIn(`${update} ${condition}`, { "#status": "status", "#finishedAt": "finishedAt", "#cause": "cause" }),
        ExpressionAttributeValues: placeholdersIn(`${update} ${condition}`, values),
        ReturnValues: "ALL_NEW",
      }),
    );
    return toRecord(answer.Attributes ?? {});
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const current = await readRelease(app, env, number);
  if (current.status === status) return current;
  throw new ReleaseAlreadyFinishedError(
    `Release ${current.label} of ${app}/${env} already ended as "${current.status}"; it cannot become "${status}". Deploy again to change what runs.`,
  );
}

/** One page of releases, newest first; pass `nextBefore` as `before` for the next page. */
export interface ReleasePage {
  releases: ReleaseRecord[];
  nextBefore?: number;
}

/** Releases of an app/env, newest first, at most `limit` (default 20), older than `before` if given. */
export async function listReleases(app: string, env: string, options: { limit?: number; before?: number } = {}): Promise<ReleasePage> {
  const limit = options.limit ?? 20;
  const releases = await queryReleases(app, env, options.before, limit);
  const oldest = releases.at(-1);
  // Numbers have no gaps, so anything older than v2 is v1 and nothing is older than v1.
  return releases.length === limit && oldest !== undefined && oldest.number > 1 ? { releases, nextBefore: oldest.number } : { releases };
}

/** The release a label (`v12`, `12`) or number names; ReleaseNotFoundError when there is none. */
export async function findRelease(app: string, env: string, label: string | number): Promise<ReleaseRecord> {
  const number = parseReleaseLabel(label);
  if (number === undefined) {
    throw new ReleaseNotFoundError(
      `"${label}" is not a release of ${app}/${env}: labels look like v12. Run "gantry releases ${app} ${env}" to list the releases.`,
    );
  }
  return readRelease(app, env, number);
}

/** The newest release that ended "deployed", older than release `before` if given: what a rollback returns to. */
export async function lastDeployed(app: string, env: string, options: { before?: number } = {}): Promise<ReleaseRecord | undefined> {
  const [found] = await queryReleases(app, env, options.before, 1, "deployed");
  return found;
}

/**
 * Pages through releases newest first until `limit` match. A filter applies after DynamoDB
 * reads a page, so a page can hold fewer matches than asked for, or none.
 */
async function queryReleases(app: string, env: string, before: number | undefined, limit: number, status?: FinalStatus): Promise<ReleaseRecord[]> {
  // Nothing is older than v1, and DynamoDB rejects a BETWEEN whose bounds are reversed.
  if (limit < 1 || (before !== undefined && before <= 1)) return [];
  const values: Record<string, unknown> = { ":pk": appEnvKey(app, env), ":first": FIRST_SK, ":last": before === undefined ? LAST_SK : releaseSk(before - 1) };
  const input: QueryCommandInput = {
    TableName: gantryTableName(),
    KeyConditionExpression: "pk = :pk AND sk BETWEEN :first AND :last",
    ExpressionAttributeValues: status === undefined ? values : { ...values, ":status": status },
    ScanIndexForward: false,
    ...(status === undefined ? {} : { FilterExpression: "#status = :status", ExpressionAttributeNames: { "#status": "status" } }),
  };
  const found: ReleaseRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents().send(new QueryCommand({ ...input, Limit: status === undefined ? limit - found.length : 100, ExclusiveStartKey: startKey }));
    found.push(...(page.Items ?? []).map(toRecord));
    startKey = page.LastEvaluatedKey;
  } while (found.length < limit && startKey !== undefined);
  return found.slice(0, limit);
}
