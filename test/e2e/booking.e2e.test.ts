import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { testProviders } from "../kit/test-database.js";
import { buttonData, chatClient, usePeerAndDatabase } from "./harness.js";

/**
 * A patient books through the real bot process and a staff member confirms it
 * from the staff chat, all through the project's Bot API peer on loopback.
 */
describe.each(testProviders)("booking with the real bot process on %s", (provider) => {
  const e2e = usePeerAndDatabase(provider);
  const STAFF = 72_900;

  it("from /book to a confirmed appointment, with a staff member confirming from the staff chat", async () => {
    const bot = await e2e.start({
      STAFF_IDS: String(STAFF),
      // The staff member's own chat stands in for the staff group.
      STAFF_CHAT_ID: String(STAFF),
    });

    const ana = chatClient(e2e.peer, 72_001, "Ana");
    const sam = chatClient(e2e.peer, STAFF, "Sam");
    await ana.command("/book");
    const services = await ana.waitFor(/What would you like to book/);
    await ana.press(services, buttonData(services, /Registered massage therapy — 60 min/));
    const people = await ana.waitFor(/With whom/);
    await ana.press(people, buttonData(people, /No preference/));
    const days = await ana.waitFor(/Which day/);
    await ana.press(days, days.buttons[0]!.callback_data!);
    const times = await ana.waitFor(/Free times on .* in the clinic's time \(America\/Toronto\)/);
    await ana.press(times, times.buttons[0]!.callback_data!);
    const name = await ana.waitFor(/What name should the clinic use/);
    await ana.press(name, buttonData(name, /Use/));
    const consent = await ana.waitFor(/Do you agree/);
    await ana.press(consent, buttonData(consent, /I agree/));
    await ana.waitFor(/What phone number/);
    await ana.text("613 555 0199");
    await ana.waitFor(/we will call 6135550199/);
    const billing = await ana.waitFor(/bill your insurance directly/);
    await ana.press(billing, buttonData(billing, /^No$/));
    const note = await ana.waitFor(/Anything the practitioner should know/);
    await ana.text("Stiff <neck> after a long drive");
    const summary = await ana.waitFor(/Please check your request/);
    await ana.press(summary, buttonData(summary, /Send my request/));
    const sent = await ana.waitFor(/Your request is sent\. Your reference: MS-\d{6}-\d/);
    const reference = /MS-\d{6}-\d/.exec(sent.text)![0];
    expect(note.buttons.some((entry) => /Skip/.test(entry.text))).toBe(true);

    const card = await sam.waitFor(new RegExp(`Request ${reference}`), 20_000);
    // The patient's text is escaped in the bot's HTML: staff read it as typed, not as markup.
    expect(card.text).toContain("Note: Stiff <neck> after a long drive");
    await sam.press(card, buttonData(card, /Confirm/));
    await sam.edited(card, /Confirmed by Sam/);

    const confirmed = await ana.waitFor(/Your appointment is confirmed/, 20_000);
    expect(confirmed.text).toContain(reference);
    expect(confirmed.text).toContain("Somerset Street");

    await ana.command("/appointments");
    const list = await ana.waitFor(/Your appointments and requests/);
    expect(list.text).toContain(reference);

    expect(await bot.stop("SIGTERM")).toBe(0);
    const database = await openDatabase(e2e.location.url);
    try {
      expect(await database.prisma.appointment.count({ where: { status: "confirmed" } })).toBe(1);
      expect(await database.prisma.outboxMessage.count({ where: { status: "sending" } })).toBe(0);
    } finally {
      await database.close();
    }
  }, 90_000);
});
