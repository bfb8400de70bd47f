import { setTimeout as sleep } from "node:timers/promises";
import type { MiddlewareFn } from "grammy";

/**
 * Counts the updates being handled, however they arrived, so shutdown can let
 * them finish before the database closes (in webhook mode the HTTP answer may
 * go out before the handling ends).
 */
export class UpdatesInFlight {
  private count = 0;

  get size(): number {
    return this.count;
  }

  readonly middleware: MiddlewareFn = async (_ctx, next) => {
    this.count++;
    try {
      await next();
    } finally {
      this.count--;
    }
  };

  /** Resolves when none is left, or at `deadline` (ms since the epoch); true when none is left. */
  async settled(deadline: number): Promise<boolean> {
    while (this.count > 0 && Date.now() < deadline) await sleep(25);
    return this.count === 0;
  }
}
