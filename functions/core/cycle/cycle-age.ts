/**
 * Instance ages as people write them in the config: "14d", "12h", "90m". A cycle replaces only
 * instances launched longer ago than this.
 */

const UNIT_SECONDS = { d: 86_400, h: 3_600, m: 60 } as const;

/**
 * The shortest maxAge gantry accepts. A cycle run of a large fleet (launch, health checks, bake,
 * per batch) can take most of an hour; a shorter age would have a fleet forever cycling.
 */
export const MIN_MAX_AGE_SECONDS = 3_600;

/** Why `text` is not a usable maxAge, in words that follow the value ("is …"); undefined if it is. */
export function maxAgeProblem(text: string): string | undefined {
  const seconds = ageSeconds(text);
  if (seconds === undefined) return 'is not an age such as "14d", "12h" or "90m" (a whole number of days, hours or minutes)';
  if (seconds < MIN_MAX_AGE_SECONDS) return `is shorter than the minimum of 1h: a cycle run itself can take that long; use "1h" or more`;
  return undefined;
}

/** "14d" → 1,209,600 seconds; undefined when the text is not an age. */
export function ageSeconds(text: string): number | undefined {
  const match = /^([1-9]\d{0,5})([dhm])$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

/** An age for people: "15d 3h", "5h 20m", "42m", "0m". */
export function formatAge(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds / 60));
  const days = Math.floor(total / 1_440);
  const hours = Math.floor((total % 1_440) / 60);
  const minutes = total % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  return `${minutes}m`;
}
