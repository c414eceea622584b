import { describe, expect, it } from "vitest";
import { acquireLock, acquireLockIfFree, readLock, releaseLock } from "../../../../functions/aws/lock/deploy-lock.js";
import { underPowerLocks } from "../../../../functions/aws/power/power-lock.js";
import { useLocalDynamo } from "../local-dynamo.js";

useLocalDynamo();

const T0 = Date.parse("2026-03-24T16:00:00Z");
const POWER = "office-hours-stop-1";
let envs = 0;
const nextEnv = () => `power-${(envs += 1)}`;

describe("underPowerLocks (a stop resizing a group)", () => {
  it("holds the lock for 120 s while it works, then frees it; a push queued meanwhile deploys next, not superseded", async () => {
    const env = nextEnv();
    let during: Awaited<ReturnType<typeof readLock>>;
    let queued: Awaited<ReturnType<typeof acquireLock>> | undefined;

    const result = await underPowerLocks([{ app: "hello", env }], POWER, T0, async () => {
      during = await readLock("hello", env, T0);
      queued = await acquireLock({ app: "hello", env, holder: "hello-dev-r1", seq: T0 + 1_000, now: T0 + 1_000, leaseSeconds: 900 });
      return "stopped";
    });
    const push = await acquireLock({ app: "hello", env, holder: "hello-dev-r1", seq: T0 + 1_000, now: T0 + 2_000, leaseSeconds: 900 });

    expect(result).toEqual({ outcome: "done", value: "stopped" });
    expect(during?.holder).toMatchObject({ holder: POWER, leaseUntil: T0 + 120_000 });
    expect(queued).toEqual({ outcome: "wait", heldBy: POWER });
    expect(push).toEqual({ outcome: "acquired" });
  });

  it("skips the work, naming the holder, when a deploy holds the lock, and leaves the deploy's lock alone", async () => {
    const env = nextEnv();
    await acquireLock({ app: "hello", env, holder: "hello-dev-v8", seq: T0, now: T0, leaseSeconds: 900 });
    let worked = false;

    const result = await underPowerLocks([{ app: "hello", env }], POWER, T0 + 1_000, async () => {
      worked = true;
    });

    expect(result).toEqual({ outcome: "skipped", reason: `hello-dev-v8 holds the lock of hello/${env}` });
    expect(worked).toBe(false);
    expect((await readLock("hello", env, T0 + 1_000))?.holder?.holder).toBe("hello-dev-v8");
  });

  it("rejects with the work's error and still frees every lock it took", async () => {
    const [first, second] = [nextEnv(), nextEnv()];

    const run = underPowerLocks(
      [
        { app: "hello", env: first },
        { app: "hello", env: second },
      ],
      POWER,
      T0,
      async () => {
        throw new Error("UpdateAutoScalingGroup failed");
      },
    );

    await expect(run).rejects.toThrow("UpdateAutoScalingGroup failed");
    expect((await readLock("hello", first, T0))?.holder).toBeUndefined();
    expect((await readLock("hello", second, T0))?.holder).toBeUndefined();
  });

  it("frees the first lock when the second app/env is held, so nothing stays locked by a skipped stop", async () => {
    const [first, second] = [nextEnv(), nextEnv()];
    await acquireLock({ app: "hello", env: second, holder: "hello-cycle", seq: T0, now: T0, leaseSeconds: 900 });

    const result = await underPowerLocks(
      [
        { app: "hello", env: first },
        { app: "hello", env: second },
      ],
      POWER,
      T0 + 1_000,
      async () => "stopped",
    );

    expect(result.outcome).toBe("skipped");
    expect((await readLock("hello", first, T0 + 1_000))?.holder).toBeUndefined();
  });

  it("does not become the last holder: after a stop, a finished push still counts as having had its turn, so cycles run", async () => {
    const env = nextEnv();
    await acquireLock({ app: "hello", env, holder: "hello-dev-r1", seq: T0, now: T0, leaseSeconds: 900 });
    await releaseLock({ app: "hello", env, holder: "hello-dev-r1" });

    await underPowerLocks([{ app: "hello", env }], POWER, T0 + 1_000, async () => "stopped");
    const cycle = await acquireLockIfFree({ app: "hello", env, holder: "hello-dev-cycle", seq: T0 + 2_000, now: T0 + 2_000, leaseSeconds: 900 });

    expect(cycle).toEqual({ outcome: "acquired" });
    expect((await readLock("hello", env, T0 + 2_000))?.waiter).toBeUndefined();
  });
});
