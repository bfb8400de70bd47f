import { afterEach, describe, expect, it } from "vitest";
import { createTestBot, STAFF_CHAT_ID, type TestBot } from "../../test/kit/test-bot.js";
import { testProviders } from "../../test/kit/test-database.js";
import { command, user } from "../bot-api-peer/updates.js";
import type { UploadedFile } from "../bot-api-peer/index.js";

describe.each(testProviders)("privacy on %s", (provider) => {
  let t: TestBot;
  afterEach(async () => {
    await t?.close();
  });
  const ana = user(8301, { first_name: "Ana", language_code: "en" });

  async function subscribedPatient() {
    t = await createTestBot({ provider, now: () => new Date("2026-11-23T15:00:00Z") });
    await t.send(command(ana, "/start"));
    await t.send(command(ana, "/subscribe"));
    await t.send(t.sim.pressButton(ana, t.sim.lastMessageTo(ana.id)!, "tips:day:3"));
    await t.send(t.sim.pressButton(ana, t.sim.lastMessageTo(ana.id)!, "tips:at:3:8"));
    await t.send(command(ana, "/tip"));
    await t.services.deps.personalData.recordConsent(ana.id, "phone", "2026-11");
  }

  it("/privacy says what is kept and why, with the clinic's policy", async () => {
    t = await createTestBot({ provider });
    await t.send(command(ana, "/privacy"));
    const text = t.lastTextTo(ana.id)!;
    expect(text).toContain("What this bot keeps about you");
    expect(text).toContain(t.services.deps.clinic.policies.privacy!.en.slice(0, 40));
  });

  it("/mydata sends a file with everything stored about the patient", async () => {
    await subscribedPatient();
    await t.send(command(ana, "/mydata"));
    const call = t.sim.callsTo("sendDocument").at(-1)!;
    expect(call.params.chat_id).toBe(ana.id);
    const file = call.params.document as UploadedFile;
    const data = JSON.parse(file.data.toString("utf8")) as Record<string, unknown>;
    expect(data).toMatchObject({
      profile: { id: String(ana.id), firstName: "Ana" },
      tipSubscription: { weekday: 3, hour: 8, timeZone: "America/Toronto" },
      consents: [{ purpose: "phone", textVersion: "2026-11" }],
    });
    expect((data.tipsReceived as unknown[]).length).toBe(1);
  });

  it("/forget asks first, then erases the patient's data, cancels what waits for them, and tells staff", async () => {
    await subscribedPatient();
    // A tip is waiting to be sent when the patient asks to be forgotten.
    await t.services.runTipsTick(new Date("2026-11-25T13:00:30Z"));
    await t.send(command(ana, "/forget"));
    await t.send(t.sim.pressButton(ana, t.sim.lastMessageTo(ana.id)!, "privacy:keep"));
    expect(await t.services.deps.users.findById(ana.id)).not.toBeNull();

    await t.send(command(ana, "/forget"));
    await t.send(t.sim.pressButton(ana, t.sim.lastMessageTo(ana.id)!, "privacy:forget"));
    expect(t.lastTextTo(ana.id)).toContain("your personal data has been erased");
    const db = t.database.prisma;
    expect(await db.user.count({ where: { id: ana.id } })).toBe(0);
    expect(await db.tipSubscription.count({ where: { userId: ana.id } })).toBe(0);
    expect(await db.tipDelivery.count({ where: { userId: ana.id } })).toBe(0);
    expect(await db.consent.count({ where: { userId: ana.id } })).toBe(0);
    const rows = await db.outboxMessage.findMany({ where: { chatId: ana.id } });
    expect(rows.every((row) => row.payload === null && row.status !== "pending")).toBe(true);

    const before = t.sentTo(ana.id).length;
    await t.services.engine.drain();
    expect(t.sentTo(ana.id)).toHaveLength(before);
    expect(t.lastTextTo(STAFF_CHAT_ID)).toContain(`Telegram id ${ana.id}`);
    await t.send(command(ana, "/mydata"));
    expect(t.lastTextTo(ana.id)).toContain("I don't have any personal data about you");
  });
});
