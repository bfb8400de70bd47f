/**
 * Small tools for tests, the crash test and the benchmark that need
 * reproducible randomness or count events in time.
 */

export { mulberry32 } from "../../src/bot-api-peer/random.js";

/** The most events within any 1000 ms window. */
export function mostInAnySecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= 1000) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
