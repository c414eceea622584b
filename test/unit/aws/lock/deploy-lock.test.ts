import { describe, expect, it } from "vitest";
import { acquireLock, readLock, releaseLock, renewLock } from "../../../../functions/aws/lock/deploy-lock.js";
import { useLocalDynamo } from "../local-dynamo.js";

useLocalDynamo();

const T0 = Date.parse("2025-03-04T09:00:00Z");
const MINUTE = 60_000;

/** Each test locks its own env in the one table, so tests never see each other's locks. */
let envs = 0;
function lockFor() {
  const env = `lock-${(envs += 1)}`;
  const ask = (holder: string, seq: number, now = T0) => acquireLock({ app: "hello", env, holder, seq, now, leaseSeconds: 300 });
  return { env, ask };
}

describe("acquireLock", () => {
  it("gives a free lock to the first push", async () => {
    const { env, ask } = lockFor();

    const result = await ask("hello-prod-a1", 1);

    expect(result).toEqual({ outcome: "acquired" });
    expect((await readLock("hello", env, T0))?.holder).toEqual({ holder: "hello-prod-a1", seq: 1, leaseUntil: T0 + 5 * MINUTE, expired: false });
  });

  it("tells a newer push to wait while the lock is held, naming the holder, and registers it as next", async () => {
    const { env, ask } = lockFor();
    await ask("hello-prod-a1", 1);

    const result = await ask("hello-prod-b2", 2, T0 + 1_000);

    expect(result).toEqual({ outcome: "wait", heldBy: "hello-prod-a1" });
    expect((await readLock("hello", env, T0))?.waiter).toEqual({ holder: "hello-prod-b2", seq: 2 });
  });

  it("answers a waiter that asks again with wait, and still holds its place", async () => {
    const { env, ask } = lockFor();
    await ask("hello-prod-a1", 1);
    await ask("hello-prod-b2", 2);

    const again = await ask("hello-prod-b2", 2, T0 + 1_000);

    expect(again).toEqual({ outcome: "wait", heldBy: "hello-prod-a1" });
    expect((await readLock("hello", env, T0))?.waiter?.holder).toBe("hello-prod-b2");
  });

  it("is re-entrant: the holder asking again keeps the lock and its lease is extended", async () => {
    const { env, ask } = lockFor();
    await ask("hello-prod-a1", 1);
    await ask("hello-prod-b2", 2);

    const again = await ask("hello-prod-a1", 1, T0 + MINUTE);

    expect(again).toEqual({ outcome: "acquired" });
    expect((await readLock("hello", env, T0))?.holder?.leaseUntil).toBe(T0 + 6 * MINUTE);
  });

  it("takes over a lock whose holder's lease ran out", async () => {
    const { env, ask } = lockFor();
    await ask("hello-prod-a1", 1);

    const result = await ask("hello-prod-b2", 2, T0 + 6 * MINUTE);

    expect(result).toEqual({ outcome: "acquired" });
    expect((await readLock("hello", env, T0 + 6 * MINUTE))?.holder?.holder).toBe("hello-prod-b2");
    expect(await ask("hello-prod-a1", 1, T0 + 6 * MINUTE)).toEqual({ outcome: "superseded", by: "hello-prod-b2" });
  });

  it("supersedes an older push that arrives when a newer one is waiting", async () => {
    const { ask } = lockFor();
    await ask("hello-prod-a1", 1);
    await ask("hello-prod-c3", 3);

    const result = await ask("hello-prod-b2", 2);

    expect(result).toEqual({ outcome: "superseded", by: "hello-prod-c3" });
  });

  it("lets a newer push replace an older waiter, which is superseded when it asks again", async () => {
    const { env, ask } = lockFor();
    await ask("hello-prod-a1", 1);
    await ask("hello-prod-b2", 2);

    const newer = await ask("hello-prod-c3", 3);
    const older = await ask("hello-prod-b2", 2);

    expect(newer).toEqual({ outcome: "wait", heldBy: "hello-prod-a1" });
    expect(older).toEqual({ outcome: "superseded", by: "hello-prod-c3" });
    expect((await readLock("hello", env, T0))?.waiter?.holder).toBe("hello-prod-c3");
  });

  it("gives a released lock only to the newest waiter", async () => {
    const { env, ask } = lockFor();
    await ask("hello-prod-a1", 1);
    await ask("hello-prod-c3", 3);
    await releaseLock({ app: "hello", env, holder: "hello-prod-a1" });

    expect(await ask("hello-prod-b2", 2)).toEqual({ outcome: "superseded", by: "hello-prod-c3" });
    expect(await ask("hello-prod-c3", 3)).toEqual({ outcome: "acquired" });
  });

  it("supersedes a push older than one that has already deployed and released", async () => {
    const { env, ask } = lockFor();
    await ask("hello-prod-c3", 3);
    await releaseLock({ app: "hello", env, holder: "hello-prod-c3" });

    const late = await ask("hello-prod-b2", 2);

    expect(late).toEqual({ outcome: "superseded", by: "hello-prod-c3" });
    expect(await ask("hello-prod-d4", 4)).toEqual({ outcome: "acquired" });
  });

  it("breaks a tie in push order by holder name", async () => {
    const { ask } = lockFor();
    await ask("hello-prod-a1", 1);
    await ask("hello-prod-x", 7);

    expect(await ask("hello-prod-y", 7)).toEqual({ outcome: "wait", heldBy: "hello-prod-a1" });
    expect(await ask("hello-prod-x", 7)).toEqual({ outcome: "superseded", by: "hello-prod-y" });
  });

  it("supersedes a holder whose lease ran out once a newer push waits, and gives the lock to that push", async () => {
    const { ask } = lockFor();
    await ask("hello-prod-a1", 1);
    await ask("hello-prod-b2", 2);
    const late = T0 + 6 * MINUTE;

    expect(await ask("hello-prod-a1", 1, late)).toEqual({ outcome: "superseded", by: "hello-prod-b2" });
    expect(await ask("hello-prod-b2", 2, late)).toEqual({ outcome: "acquired" });
  });

  it("keeps the lock for a holder whose lease ran out when nobody newer asked for it", async () => {
    const { ask } = lockFor();
    await ask("hello-prod-a1", 1);

    expect(await ask("hello-prod-a1", 1, T0 + 6 * MINUTE)).toEqual({ outcome: "acquired" });
  });
});

describe("renewLock", () => {
  it("extends the holder's lease", async () => {
    const { env, ask } = lockFor();
    await ask("hello-prod-a1", 1);

    const renewed = await renewLock({ app: "hello", env, holder: "hello-prod-a1", now: T0 + 4 * MINUTE, leaseSeconds: 300 });

    expect(renewed).toBe(true);
    expect((await readLock("hello", env, T0))?.holder?.leaseUntil).toBe(T0 + 9 * MINUTE);
  });

  it("fails to renew for a push that does not hold the lock, and leaves the lease alone", async () => {
    const { env, ask } = lockFor();
    await ask("hello-prod-a1", 1);
    await ask("hello-prod-b2", 2);

    const renewed = await renewLock({ app: "hello", env, holder: "hello-prod-b2", now: T0 + 4 * MINUTE, leaseSeconds: 300 });

    expect(renewed).toBe(false);
    expect((await readLock("hello", env, T0))?.holder).toMatchObject({ holder: "hello-prod-a1", leaseUntil: T0 + 5 * MINUTE });
  });

  it("fails to renew a lease another push has taken over", async () => {
    const { env, ask } = lockFor();
    await ask("hello-prod-a1", 1);
    await ask("hello-prod-b2", 2, T0 + 6 * MINUTE);

    expect(await renewLock({ app: "hello", env, holder: "hello-prod-a1", now: T0 + 6 * MINUTE, leaseSeconds: 300 })).toBe(false);
  });

  it("fails to renew a lock nobody ever took", async () => {
    const { env } = lockFor();

    expect(await renewLock({ app: "hello", env, holder: "hello-prod-a1", now: T0, leaseSeconds: 300 })).toBe(false);
    expect(await readLock("hello", env, T0)).toBeUndefined();
  });
});

describe("releaseLock", () => {
  it("frees the lock so the next push takes it", async () => {
    const { env, ask } = lockFor();
    await ask("hello-prod-a1", 1);

    const released = await releaseLock({ app: "hello", env, holder: "hello-prod-a1" });

    expect(released).toBe(true);
    expect((await readLock("hello", env, T0))?.holder).toBeUndefined();
    expect(await ask("hello-prod-b2", 2)).toEqual({ outcome: "acquired" });
  });

  it("is a no-op when released twice", async () => {
    const { env, ask } = lockFor();
    await ask("hello-prod-a1", 1);
    await releaseLock({ app: "hello", env, holder: "hello-prod-a1" });

    const again = await releaseLock({ app: "hello", env, holder: "hello-prod-a1" });

    expect(again).toBe(false);
    expect(await readLock("hello", env, T0)).toEqual({});
  });

  it("leaves the lock with its holder when someone else releases it", async () => {
    const { env, ask } = lockFor();
    await ask("hello-prod-a1", 1);

    const released = await releaseLock({ app: "hello", env, holder: "hello-prod-b2" });

    expect(released).toBe(false);
    expect((await readLock("hello", env, T0))?.holder?.holder).toBe("hello-prod-a1");
    expect(await ask("hello-prod-b2", 2)).toEqual({ outcome: "wait", heldBy: "hello-prod-a1" });
  });
});

describe("readLock", () => {
  it("reports a lock nobody used as undefined", async () => {
    expect(await readLock("hello", "never-locked", T0)).toBeUndefined();
  });

  it("shows the holder, its lease, whether it ran out, and the newest waiter", async () => {
    const { env, ask } = lockFor();
    await ask("hello-prod-a1", 1);
    await ask("hello-prod-b2", 2);

    const view = await readLock("hello", env, T0 + 6 * MINUTE);

    expect(view).toEqual({
      holder: { holder: "hello-prod-a1", seq: 1, leaseUntil: T0 + 5 * MINUTE, expired: true },
      waiter: { holder: "hello-prod-b2", seq: 2 },
    });
  });
});
