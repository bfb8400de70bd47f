import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { createI18n } from "../bot/i18n.js";
import { createSendingWatch, type SendingWatchOptions } from "./sending-watch.js";

const MINUTE = 60_000;

/** A watch over a fake outbox, sender and database fault, on a clock the test moves. */
function setup() {
  const state = {
    clock: new Date("2026-03-02T09:00:00Z"),
    oldestWaiting: null as Date | null,
    databaseFaultSince: undefined as Date | undefined,
    databaseDown: false,
    active: false,
    anyActive: false,
    outboxFails: false,
  };
  const told: Array<Parameters<SendingWatchOptions["notify"]>[0]> = [];
  const watch = createSendingWatch({
    outbox: {
      oldestWaiting: async () => {
        if (state.outboxFails) throw new Error("connection refused");
        return state.oldestWaiting;
      },
    },
    sender: () => ({ active: state.active, anyActive: async () => state.anyActive }),
    databaseFaultSince: () => state.databaseFaultSince,
    databaseDown: () => state.databaseDown,
    notify: async (event) => void told.push(event),
    logger: createLogger("silent"),
    now: () => state.clock,
  });
  const at = (minutes: number) => new Date(Date.parse("2026-03-02T09:00:00Z") + minutes * MINUTE);
  return { state, told, watch, at };
}

describe("the sending watch", () => {
  it("is healthy while this or another instance sends, or nothing is due; not when due messages have no sender", async () => {
    const { state, watch, at } = setup();
    expect(await watch.status()).toEqual({ sending: true, sender: "none", waitingSince: null });
    state.oldestWaiting = at(0);
    state.anyActive = true;
    expect(await watch.status()).toMatchObject({ sending: true, sender: "another instance" });
    state.anyActive = false;
    state.active = true;
    expect(await watch.status()).toMatchObject({ sending: true, sender: "this instance" });
    state.active = false;
    // A few seconds without a sender is a hand-over, not a fault.
    state.clock = new Date(at(0).getTime() + 5_000);
    expect((await watch.status()).sending).toBe(true);
    state.clock = at(1);
    expect(await watch.status()).toEqual({ sending: false, sender: "none", waitingSince: at(0) });
  });

  it("says sending stopped while the database is down, whoever holds the sender's turn", async () => {
    const { state, watch, at } = setup();
    state.active = true;
    state.databaseFaultSince = at(0);
    state.databaseDown = true;
    expect(await watch.status()).toEqual({ sending: false, sender: "unknown" });
    state.databaseDown = false;
    state.databaseFaultSince = undefined;
    state.outboxFails = true;
    expect((await watch.status()).sending).toBe(false);
  });

  it("tells staff once when messages waited three minutes because of a fault, and once when sending resumed", async () => {
    const { state, told, watch, at } = setup();
    state.oldestWaiting = at(0);
    state.databaseFaultSince = at(0);
    state.databaseDown = true;
    for (const minute of [1, 2]) {
      state.clock = at(minute);
      await watch.check();
    }
    expect(told).toEqual([]);
    for (const minute of [3, 4, 5, 6]) {
      state.clock = at(minute);
      await watch.check();
    }
    expect(told).toEqual([{ kind: "stalled", since: at(0), reason: "database" }]);
    state.databaseDown = false;
    state.databaseFaultSince = undefined;
    state.active = true;
    state.clock = at(8);
    await watch.check();
    await watch.check();
    expect(told).toEqual([{ kind: "stalled", since: at(0), reason: "database" }, { kind: "resumed", waitedMs: 8 * MINUTE }]);
  });

  it("tells staff when due messages have had no sender for three minutes, in the staff language", async () => {
    const { state, told, watch, at } = setup();
    state.oldestWaiting = at(0);
    state.clock = at(3);
    await watch.check();
    expect(told).toEqual([{ kind: "stalled", since: at(0), reason: "sender" }]);
    const i18n = createI18n("en");
    expect(i18n.t("en", "delivery-stalled", { since: "09:00 UTC", reason: "sender" })).toMatch(/waiting since 09:00 UTC because no copy of the bot is sending/);
    expect(i18n.t("fr", "delivery-stalled", { since: "09:00 UTC", reason: "database" })).toMatch(/attendent depuis 09:00 UTC parce que le bot ne peut pas utiliser sa base/);
    expect(i18n.t("fr", "delivery-resumed", { minutes: 8 })).toMatch(/a repris après 8 min/);
  });
});
