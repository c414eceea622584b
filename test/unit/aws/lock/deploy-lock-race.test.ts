import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { acquireLock, readLock, releaseLock } from "../../../../functions/aws/lock/deploy-lock.js";
import { useLocalDynamo } from "../local-dynamo.js";

useLocalDynamo();

const PUSHES = 20;

/**
 * Every push runs what a deploy execution does: ask for the lock, poll while told to wait,
 * stop when superseded, and when it holds the lock, deploy (hold it a while) and release.
 * `deploying` counts pushes between "acquired" and release; it must never pass 1.
 *
 * The holder keeps the lock until every push has had its first answer, so all 20 race for it
 * and the waiting list is settled before it is freed: that makes the expected outcome exact
 * without depending on timing.
 */
async function racePushes(env: string) {
  let deploying = 0;
  let mostAtOnce = 0;
  const deployed: number[] = [];
  let firstAnswers = 0;
  let everyoneAsked!: () => void;
  const allAsked = new Promise<void>((resolve) => (everyoneAsked = resolve));

  async function push(seq: number): Promise<"deployed" | "superseded"> {
    const holder = `hello-${env}-push${seq}`;
    for (let polls = 0; ; polls += 1) {
      const result = await acquireLock({ app: "hello", env, holder, seq, now: Date.now(), leaseSeconds: 300 });
      if (polls === 0 && (firstAnswers += 1) === PUSHES) everyoneAsked();
      if (result.outcome === "superseded") return "superseded";
      if (result.outcome === "acquired") {
        deploying += 1;
        mostAtOnce = Math.max(mostAtOnce, deploying);
        deployed.push(seq);
        await allAsked;
        await sleep(30);
        deploying -= 1;
        await releaseLock({ app: "hello", env, holder });
        return "deployed";
      }
      await sleep(3);
    }
  }

  const outcomes = await Promise.all(Array.from({ length: PUSHES }, (_, index) => push(index + 1)));
  return { outcomes, deployed, mostAtOnce };
}

describe("acquireLock with 20 pushes at once", () => {
  it.each(["race-1", "race-2", "race-3"])("deploys one push at a time, first the winner, then only the newest (%s)", async (env) => {
    const { outcomes, deployed, mostAtOnce } = await racePushes(env);

    expect(mostAtOnce).toBe(1);
    expect(deployed.at(-1)).toBe(PUSHES);
    const firstWinner = deployed[0];
    expect(deployed).toEqual(firstWinner === PUSHES ? [PUSHES] : [firstWinner, PUSHES]);
    outcomes.forEach((outcome, index) => expect(outcome, `push ${index + 1}`).toBe(deployed.includes(index + 1) ? "deployed" : "superseded"));
    expect(await readLock("hello", env)).toEqual({});
  });
});
