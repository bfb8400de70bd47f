import { DateTime } from "luxon";

/**
 * The sandbox's clock: the system clock plus an offset that only grows. The
 * bot's handlers, services and scheduled jobs all read it, so moving it
 * forward shows what happens at that time (a weekly tip, a reminder, a
 * request nobody answered) without waiting.
 */
export class SandboxClock {
  private offsetMs = 0;

  readonly now = (): Date => new Date(Date.now() + this.offsetMs);

  /** Moves the clock to `target`; a time not after the current one is refused (the bot's records only go forward). */
  moveTo(target: Date): void {
    const ahead = target.getTime() - this.now().getTime();
    if (!(ahead > 0)) throw new RangeError(`the sandbox clock only moves forward; it is already ${this.now().toISOString()}`);
    this.offsetMs += ahead;
  }

  /** The next `weekday` (1 = Monday … 7 = Sunday) at `hour`:00 in `zone`, strictly after now. */
  nextWeekdayAt(weekday: number, hour: number, zone: string): Date {
    const now = DateTime.fromJSDate(this.now(), { zone });
    let candidate = now.set({ hour, minute: 0, second: 0, millisecond: 0 });
    const daysAhead = (weekday - candidate.weekday + 7) % 7;
    candidate = candidate.plus({ days: daysAhead });
    if (candidate <= now) candidate = candidate.plus({ weeks: 1 });
    return candidate.toJSDate();
  }

  /** Now plus a duration (hours or days). */
  later(amount: { hours?: number; days?: number }): Date {
    return DateTime.fromJSDate(this.now()).plus(amount).toJSDate();
  }
}
