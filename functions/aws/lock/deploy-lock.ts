import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ContendedWriteError } from "../../core/errors.js";
import { decideCycleLock, queuedPush } from "../../core/cycle/cycle-lock.js";
import { decideAcquire, describeLock, type LockState, type LockView } from "../../core/lock/lock.js";
import { now as clockNow } from "../clock.js";
import { MAX_CONDITIONAL_ATTEMPTS, appEnvKey, documents, gantryTableName, isConditionFailed, placeholdersIn } from "../dynamo-client.js";

/** Who asks for the lock, and for how long a lease it gets. */
export interface AcquireRequest {
  app: string;
  env: string;
  /** The execution name: unique per job, the same across retries of one job. */
  holder: string;
  /** Push order: a later push has a larger seq. */
  seq: number;
  /** Epoch milliseconds. */
  now: number;
  leaseSeconds: number;
}

/** What the caller should do next: deploy, poll again later, or stop. */
export type AcquireResult = { outcome: "acquired" } | { outcome: "wait"; heldBy: string } | { outcome: "superseded"; by: string };

const NAMES = {
  "#holder": "holder",
  "#holderSeq": "holderSeq",
  "#leaseUntil": "leaseUntil",
  "#newest": "newest",
  "#newestSeq": "newestSeq",
  "#lastHolder": "lastHolder",
};

/** The caller is the newest registered job or newer than it: core/lock's isNewer, in DynamoDB. */
const CALLER_IS_NEWEST = "(attribute_not_exists(#newest) OR #newest = :me OR #newestSeq < :seq OR (#newestSeq = :seq AND #newest < :me))";

/**
 * Each write carries as its condition the premise its decision was made on. A write that fails
 * means the lock changed in between, so the caller reads again and decides again: no decision
 * ever rests on a read another writer has since made stale.
 */
const WRITES = {
  extend: {
    update: "SET #leaseUntil = :until",
    condition: `#holder = :me AND (#leaseUntil >= :now OR ${CALLER_IS_NEWEST})`,
  },
  take: {
    update: "SET #holder = :me, #holderSeq = :seq, #leaseUntil = :until, #newest = :me, #newestSeq = :seq",
    condition: `(attribute_not_exists(#holder) OR #leaseUntil < :now) AND ${CALLER_IS_NEWEST}`,
  },
  register: {
    update: "SET #newest = :me, #newestSeq = :seq",
    condition: `attribute_exists(#holder) AND #holder <> :me AND #leaseUntil >= :now AND ${CALLER_IS_NEWEST}`,
  },
} as const;

function lockKey(app: string, env: string) {
  return { pk: appEnvKey(app, env), sk: "lock" };
}

async function readState(app: string, env: string): Promise<LockState | undefined> {
  const answer = await documents().send(new GetCommand({ TableName: gantryTableName(), Key: lockKey(app, env), ConsistentRead: true }));
  return answer.Item as LockState | undefined;
}

/** Runs one conditional update of the lock item; false when its condition did not hold. */
async function updateLock(app: string, env: string, update: string, condition: string, values: Record<string, unknown>): Promise<LockState | false> {
  const expressions = `${update} ${condition}`;
  try {
    const answer = await documents().send(
      new UpdateCommand({
        TableName: gantryTableName(),
        Key: lockKey(app, env),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: placeholdersIn(expressions, NAMES),
        ExpressionAttributeValues: placeholdersIn(expressions, values),
        ReturnValues: "ALL_NEW",
      }),
    );
    return (answer.Attributes ?? {}) as LockState;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * Asks for the app/env's lock. Re-entrant and safe to retry: a holder asking again gets
 * "acquired" with its lease extended; a waiter asking again stays the newest waiter. A lease
 * that ran out counts as free, but only the newest registered push may take a free lock.
 */
export async function acquireLock(request: AcquireRequest): Promise<AcquireResult> {
  const { app, env, holder, seq, now } = request;
  const values = { ":me": holder, ":seq": seq, ":now": now, ":until": now + request.leaseSeconds * 1000 };
  for (let attempt = 0; attempt < MAX_CONDITIONAL_ATTEMPTS; attempt += 1) {
    const decision = decideAcquire(await readState(app, env), { holder, seq }, now);
    if (decision.outcome === "superseded") return decision;
    if (decision.write === "none") return { outcome: "wait", heldBy: decision.heldBy };
    const write = WRITES[decision.write];
    const written = await updateLock(app, env, write.update, write.condition, values);
    if (written === false) continue;
    if (decision.outcome === "acquired") return { outcome: "acquired" };
    return { outcome: "wait", heldBy: written.holder ?? decision.heldBy };
  }
  throw new ContendedWriteError(
    `The deploy lock of ${app}/${env} changed under ${holder}'s conditional writes ${MAX_CONDITIONAL_ATTEMPTS} times in a row; retry the step.`,
  );
}

/**
 * Takes the lock for a cycle run if nobody holds it and no push waits for it (core/cycle-lock):
 * never waits, never registers as the newest job, so no deploy is ever superseded by a cycle.
 * Safe to retry: the holder asking again keeps it.
 */
export async function acquireLockIfFree(request: AcquireRequest): Promise<{ outcome: "acquired" } | { outcome: "skipped"; reason: string }> {
  const { app, env, holder, seq, now } = request;
  const values = { ":me": holder, ":seq": seq, ":now": now, ":until": now + request.leaseSeconds * 1000 };
  for (let attempt = 0; attempt < MAX_CONDITIONAL_ATTEMPTS; attempt += 1) {
    const decision = decideCycleLock(await readState(app, env), holder, now);
    if (decision.outcome === "skipped") return decision;
    const written =
      decision.write === "extend"
        ? await updateLock(app, env, "SET #leaseUntil = :until", "#holder = :me", values)
        : await updateLock(
            app,
            env,
            "SET #holder = :me, #holderSeq = :seq, #leaseUntil = :until",
            `(attribute_not_exists(#holder) OR #leaseUntil < :now) AND ${decision.seenNewest === undefined ? "attribute_not_exists(#newest)" : "#newest = :seen"}`,
            { ...values, ":seen": decision.seenNewest },
          );
    if (written !== false) return { outcome: "acquired" };
  }
  throw new ContendedWriteError(
    `The deploy lock of ${app}/${env} changed under cycle run ${holder}'s conditional writes ${MAX_CONDITIONAL_ATTEMPTS} times in a row; retry the step.`,
  );
}

/**
 * Takes the lock for a recovery run from `from`, an execution that has ended while holding it (or
 * from nobody, or from a lease that ran out). A recovery is no push: it never registers as the
 * newest job, so the push queue is as it was. Safe to retry: the recovery asking again keeps it.
 * Answers who holds it when someone else, alive, does.
 */
export async function takeOverLock(request: AcquireRequest & { from: string }): Promise<{ outcome: "acquired" } | { outcome: "held"; heldBy: string }> {
  const { app, env, holder, seq, now } = request;
  const values = { ":me": holder, ":from": request.from, ":seq": seq, ":now": now, ":until": now + request.leaseSeconds * 1000 };
  const written = await updateLock(
    app,
    env,
    "SET #holder = :me, #holderSeq = :seq, #leaseUntil = :until",
    "attribute_not_exists(#holder) OR #holder = :me OR #holder = :from OR #leaseUntil < :now",
    values,
  );
  if (written !== false) return { outcome: "acquired" };
  return { outcome: "held", heldBy: (await readState(app, env))?.holder ?? "another execution" };
}

/** Extends the lease if `holder` still holds the lock; false when it does not. */
export async function renewLock(request: { app: string; env: string; holder: string; now: number; leaseSeconds: number }): Promise<boolean> {
  const until = request.now + request.leaseSeconds * 1000;
  const written = await updateLock(request.app, request.env, "SET #leaseUntil = :until", "#holder = :me", { ":me": request.holder, ":until": until });
  return written !== false;
}

/**
 * Frees the lock if `holder` still holds it. Releasing a lock one does not hold (already
 * released, or taken over after the lease ran out) changes nothing, so Catch paths can call it
 * whatever happened. True when this call freed it.
 */
export async function releaseLock(request: { app: string; env: string; holder: string; cycle?: boolean }): Promise<boolean> {
  // A cycle run was never the newest job, so it does not become the last one either: `lastHolder`
  // tells whether the newest push has had its turn (describeLock, decideCycleLock).
  const update = request.cycle ? "REMOVE #holder, #holderSeq, #leaseUntil" : "SET #lastHolder = :me REMOVE #holder, #holderSeq, #leaseUntil";
  const written = await updateLock(request.app, request.env, update, "#holder = :me", { ":me": request.holder });
  return written !== false;
}

/**
 * Records that `holder`, the newest registered push, has ended without holding the lock (it
 * failed while waiting for it): it becomes `lastHolder`, so nobody counts it as queued any more.
 * Without this a dead waiter would make every cycle skip for WAITER_LIFETIME_MS. Changes nothing
 * when a newer push has registered since, or when `holder` holds the lock. True when written.
 */
export async function endWaitingTurn(request: { app: string; env: string; holder: string }): Promise<boolean> {
  const written = await updateLock(request.app, request.env, "SET #lastHolder = :me", "#newest = :me AND (attribute_not_exists(#holder) OR #holder <> :me)", {
    ":me": request.holder,
  });
  return written !== false;
}

/** The push queued for the app/env's lock (core/cycle-lock queuedPush), read consistently. */
export async function readQueuedPush(app: string, env: string, now: number): Promise<string | undefined> {
  return queuedPush(await readState(app, env), now);
}

/** The lock for display: who holds it until when, and the newest push waiting; undefined if never used. */
export async function readLock(app: string, env: string, now: number = clockNow()): Promise<LockView | undefined> {
  const state = await readState(app, env);
  return state === undefined ? undefined : describeLock(state, now);
}
