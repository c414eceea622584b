import { describe, expect, it } from "vitest";
import { acquireLock, acquireLockIfFree, endWaitingTurn, readLock, releaseLock } from "../../../../functions/aws/lock/deploy-lock.js";
import { useLocalDynamo } from "../local-dynamo.js";

useLocalDynamo();

const T0 = Date.parse("2025-03-04T09:00:00Z");
let envs = 0;

describe("acquireLockIfFree (cycle runs)", () => {
  it("holds the lock without entering the push order: a push received before the cycle waits, then deploys", async () => {
    const env = `cycle-${(envs += 1)}`;
    const cycle = { app: "hello", env, holder: "hello-prod-cycle-1", seq: T0 + 5_000, now: T0 + 5_000, leaseSeconds: 900 };

    const taken = await acquireLockIfFree(cycle);
    const pushWhileCycling = await acquireLock({ app: "hello", env, holder: "hello-prod-r1", seq: T0, now: T0 + 6_000, leaseSeconds: 900 });
    const again = await acquireLockIfFree({ ...cycle, now: T0 + 7_000 });
    await releaseLock({ app: "hello", env, holder: cycle.holder, cycle: true });
    const pushAfter = await acquireLock({ app: "hello", env, holder: "hello-prod-r1", seq: T0, now: T0 + 8_000, leaseSeconds: 900 });

    expect(taken).toEqual({ outcome: "acquired" });
    expect(pushWhileCycling).toEqual({ outcome: "wait", heldBy: "hello-prod-cycle-1" });
    expect(again).toEqual({ outcome: "acquired" });
    expect(pushAfter).toEqual({ outcome: "acquired" });
  });

  it("skips while a push holds the lock, and after it while the next push is still queued", async () => {
    const env = `cycle-${(envs += 1)}`;
    await acquireLock({ app: "hello", env, holder: "hello-prod-r1", seq: T0, now: T0, leaseSeconds: 900 });
    await acquireLock({ app: "hello", env, holder: "hello-prod-r2", seq: T0 + 1, now: T0 + 1, leaseSeconds: 900 });
    const ask = (now: number) => acquireLockIfFree({ app: "hello", env, holder: "hello-prod-cycle-2", seq: now, now, leaseSeconds: 900 });

    const whileHeld = await ask(T0 + 10);
    await releaseLock({ app: "hello", env, holder: "hello-prod-r1" });
    const whileQueued = await ask(T0 + 20);

    expect(whileHeld).toEqual({ outcome: "skipped", reason: "hello-prod-r1 holds the lock" });
    expect(whileQueued).toEqual({ outcome: "skipped", reason: "hello-prod-r2 is queued for the lock" });
    expect((await readLock("hello", env, T0 + 20))?.holder).toBeUndefined();
  });

  it("is not blocked by a push that died while queued, once that push's end is recorded", async () => {
    const env = `cycle-${(envs += 1)}`;
    await acquireLock({ app: "hello", env, holder: "hello-prod-r1", seq: T0, now: T0, leaseSeconds: 900 });
    await acquireLock({ app: "hello", env, holder: "hello-prod-r2", seq: T0 + 1, now: T0 + 1, leaseSeconds: 900 });
    await releaseLock({ app: "hello", env, holder: "hello-prod-r1" });
    const ask = (now: number) => acquireLockIfFree({ app: "hello", env, holder: `hello-prod-cycle-${now}`, seq: now, now, leaseSeconds: 900 });
    const blocked = await ask(T0 + 10);

    // r2 failed in "Take the deploy lock": its "Release the deploy lock" frees nothing but ends its turn.
    const freed = await releaseLock({ app: "hello", env, holder: "hello-prod-r2" });
    const ended = await endWaitingTurn({ app: "hello", env, holder: "hello-prod-r2" });
    const after = await ask(T0 + 20);

    expect(blocked).toEqual({ outcome: "skipped", reason: "hello-prod-r2 is queued for the lock" });
    expect(freed).toBe(false);
    expect(ended).toBe(true);
    expect(after).toEqual({ outcome: "acquired" });
  });

  it("never ends the turn of a push that is not the newest, or that holds the lock", async () => {
    const env = `cycle-${(envs += 1)}`;
    await acquireLock({ app: "hello", env, holder: "hello-prod-r1", seq: T0, now: T0, leaseSeconds: 900 });
    await acquireLock({ app: "hello", env, holder: "hello-prod-r2", seq: T0 + 1, now: T0 + 1, leaseSeconds: 900 });

    const holderEnded = await endWaitingTurn({ app: "hello", env, holder: "hello-prod-r1" });
    await acquireLock({ app: "hello", env, holder: "hello-prod-r3", seq: T0 + 2, now: T0 + 2, leaseSeconds: 900 });
    const olderEnded = await endWaitingTurn({ app: "hello", env, holder: "hello-prod-r2" });

    expect(holderEnded).toBe(false);
    expect(olderEnded).toBe(false);
    expect((await readLock("hello", env, T0 + 3))?.waiter?.holder).toBe("hello-prod-r3");
  });
});
