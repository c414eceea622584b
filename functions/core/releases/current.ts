import type { FinalStatus } from "./releases.js";
import { isReleaseId } from "./release-id.js";

/**
 * What `<app>/<env>/current` should name once a deploy has ended, or undefined to leave it: the
 * deployed release; after a rollback, the release the group was put back on (its tag before the
 * deploy), when that is a release id. A failure that needed a person, or a deploy that never
 * started, leaves it as it was: the group's state is not known to match any release.
 */
export function currentAfter(status: FinalStatus | undefined, releaseId: string | undefined, previousRelease: string | null | undefined): string | undefined {
  if (status === "deployed") return releaseId !== undefined && isReleaseId(releaseId) ? releaseId : undefined;
  if (status === "rolled back") return previousRelease && isReleaseId(previousRelease) ? previousRelease : undefined;
  return undefined;
}
