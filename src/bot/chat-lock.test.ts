import { afterAll, afterEach, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { createPostgresChatLock, type ChatLock } from "./chat-lock.js";
import { scratchLocation, testProviders } from "../../test/kit/test-database.js";
import { createTestBot } from "../../test/kit/test-bot.js";
import { bookingSteps } from "../../test/kit/booking-steps.js";
import { user } from "../bot-api-peer/updates.js";

describe.runIf(testProviders.includes("postgresql"))("the per-chat lock across instances", () => {
  const locks: ChatLock[] = [];
  const location = scratchLocation("postgresql");
  afterEach(async () => {
    await Promise.all(locks.splice(0).map((lock) => lock.close()));
  });
  afterAll(() => location.cleanup());

  it("runs one chat's updates one after another even on two instances, and other chats meanwhile", async () => {
    const first = createPostgresChatLock(location.url);
    const second = createPostgresChatLock(location.url);
    locks.push(first, second);
    const events: string[] = [];
    let aStarted!: () => void;
    const aIsRunning = new Promise<void>((resolve) => (aStarted = resolve));
    const slow = (name: string) => async () => {
      events.push(`${name} start`);
      if (name === "A") aStarted();
      await sleep(150);
      events.push(`${name} end`);
    };
    // B and C come once A holds chat 1 (however long the first connection took to open).
    const sameChat = [first.run("chat:1", slow("A")), aIsRunning.then(() => second.run("chat:1", slow("B")))];
    const otherChat = aIsRunning.then(() => second.run("chat:2", slow("C")));
    await Promise.all([...sameChat, otherChat]);
    // B waited for A; C ran while A (or B) was still going.
    expect(events.indexOf("B start")).toBeGreaterThan(events.indexOf("A end"));
    expect(events.indexOf("C start")).toBeLessThan(events.indexOf("A end"));
  });

  it("lets go of the chat when the work fails, and passes the failure on", async () => {
    const lock = createPostgresChatLock(location.url);
    locks.push(lock);
    await expect(lock.run("chat:3", () => Promise.reject(new Error("handler failed")))).rejects.toThrow("handler failed");
    expect(await lock.run("chat:3", () => Promise.resolve("next update"))).toBe("next update");
  });

  it("is on for a webhook bot on PostgreSQL, and a whole booking goes through it", async () => {
    const t = await createTestBot({
      provider: "postgresql",
      env: { BOT_MODE: "webhook", WEBHOOK_URL: "https://clinic.example/telegram", WEBHOOK_SECRET: "a-long-webhook-secret-for-tests" },
    });
    try {
      expect(t.services.deps.chatLock).toBeDefined();
      const reference = await bookingSteps(t).bookRequest(user(34_001, { first_name: "Ana", language_code: "en" }));
      expect(reference).toMatch(/^MS-\d{6}-\d$/);
    } finally {
      await t.close();
    }
  });
});
