import { describe, expect, it } from "vitest";
import { testProviders } from "../kit/test-database.js";
import { buttonData, chatClient, usePeerAndDatabase } from "./harness.js";

/**
 * A staff member announces something to several patients through the real bot
 * process and the project's Bot API peer on loopback.
 */
describe.each(testProviders)("an announcement with the real bot process on %s", (provider) => {
  const e2e = usePeerAndDatabase(provider);
  const STAFF = 73_900;

  it("previews, sends to every patient once, and reports to the staff member", async () => {
    const bot = await e2e.start({ STAFF_IDS: String(STAFF) });

    const patients = [73_001, 73_002, 73_003, 73_004].map((id) => chatClient(e2e.peer, id, `Patient${id}`));
    for (const patient of patients) {
      await patient.command("/start");
      await patient.waitFor(/Hello/);
    }
    // A patient cannot announce anything.
    await patients[0]!.command("/broadcast");
    await patients[0]!.waitFor(/I don't know that command/);

    const sam = chatClient(e2e.peer, STAFF, "Sam");
    await sam.command("/start");
    await sam.waitFor(/Hello/);
    await sam.command("/broadcast");
    await sam.waitFor(/Send me the announcement/);
    await sam.text("The clinic is closed on Friday for training. See you next week!");
    const audiences = await sam.waitFor(/Who should receive it/);
    // Four patients and the staff member have started the bot.
    expect(audiences.buttons.map((entry) => entry.text)).toContain("Everyone (5)");
    await sam.press(audiences, buttonData(audiences, /Everyone/));
    await sam.waitFor(/^The clinic is closed on Friday/);
    const confirm = await sam.waitFor(/exactly what 5 people will receive/);
    await sam.press(confirm, buttonData(confirm, /Send to 5 people/));

    for (const patient of patients) {
      const announcement = await patient.waitFor(/The clinic is closed on Friday for training/, 20_000);
      expect(announcement.text).toBe("The clinic is closed on Friday for training. See you next week!");
    }
    await sam.edited(confirm, /Announcement #1 is done[\s\S]*Delivered: 5 of 5/, 20_000);
    await sam.command("/broadcasts");
    const list = await sam.waitFor(/Recent announcements/);
    expect(list.text).toMatch(/#1 .*by Sam.*5\/5 delivered/);

    // Nobody got it twice.
    const copies = e2e.peer.delivered().filter((message) => (message.text ?? "").startsWith("The clinic is closed on Friday"));
    expect(copies).toHaveLength(patients.length + 2); // each patient, plus Sam's preview and Sam's own copy
    expect(await bot.stop("SIGTERM")).toBe(0);
  }, 90_000);
});
