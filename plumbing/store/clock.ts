/** Time is injected so that tests and scripts are deterministic. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that always answers the same instant. */
export function fixedClock(ms: number): Clock {
  return { now: () => ms };
}
