// The pure half of the deploy lock (functions/core/lock/lock.ts), tested beside its adapter.
import { describe, expect, it } from "vitest";
import { decideAcquire, describeLock, isNewer, type LockState } from "../../../../functions/core/lock/lock.js";

const NOW = 1_000_000;
const held: LockState = { holder: "a", holderSeq: 1, leaseUntil: NOW + 1, newest: "c", newestSeq: 3 };

describe("isNewer", () => {
  it("orders by seq, then by holder name", () => {
    expect(isNewer({ holder: "a", seq: 2 }, { holder: "z", seq: 1 })).toBe(true);
    expect(isNewer({ holder: "b", seq: 2 }, { holder: "a", seq: 2 })).toBe(true);
    expect(isNewer({ holder: "a", seq: 2 }, { holder: "a", seq: 2 })).toBe(false);
  });
});

describe("decideAcquire", () => {
  it("takes a lock that was never used", () => {
    expect(decideAcquire(undefined, { holder: "a", seq: 1 }, NOW)).toEqual({ outcome: "acquired", write: "take" });
  });

  it("extends the holder's own lease even while a newer push waits", () => {
    expect(decideAcquire(held, { holder: "a", seq: 1 }, NOW)).toEqual({ outcome: "acquired", write: "extend" });
  });

  it("answers the newest waiter with wait and writes nothing", () => {
    expect(decideAcquire(held, { holder: "c", seq: 3 }, NOW)).toEqual({ outcome: "wait", heldBy: "a", write: "none" });
  });

  it("registers a push newer than the waiter", () => {
    expect(decideAcquire(held, { holder: "d", seq: 4 }, NOW)).toEqual({ outcome: "wait", heldBy: "a", write: "register" });
  });

  it("supersedes a push older than the waiter", () => {
    expect(decideAcquire(held, { holder: "b", seq: 2 }, NOW)).toEqual({ outcome: "superseded", by: "c" });
  });

  it("counts a lease that ends exactly now as held and one that ended before as free", () => {
    const state: LockState = { holder: "a", holderSeq: 1, leaseUntil: NOW, newest: "a", newestSeq: 1 };

    expect(decideAcquire(state, { holder: "b", seq: 2 }, NOW).outcome).toBe("wait");
    expect(decideAcquire(state, { holder: "b", seq: 2 }, NOW + 1)).toEqual({ outcome: "acquired", write: "take" });
  });
});

describe("describeLock", () => {
  it("shows no waiter once the newest push has held the lock and released it", () => {
    const released: LockState = { newest: "c", newestSeq: 3, lastHolder: "c" };

    expect(describeLock(released, NOW)).toEqual({});
  });

  it("still shows the waiter after an older holder released", () => {
    const released: LockState = { newest: "c", newestSeq: 3, lastHolder: "a" };

    expect(describeLock(released, NOW)).toEqual({ waiter: { holder: "c", seq: 3 } });
  });
});
