import { readFileSync } from "node:fs";
import { Api } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "./sandbox.js";
import { servePage, type RunningPage } from "./page-server.js";
import { launchChromium, SandboxPage, type RunningBrowser } from "./browser.js";

/**
 * The sandbox as a person uses it: the real bot behind the chat page, driven
 * in headless Chromium. One sandbox and one browser for the whole file.
 */
describe("the sandbox page in a real browser", () => {
  let sandbox: Sandbox;
  let page: RunningPage;
  let chromium: RunningBrowser;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ logLevel: "silent" });
    page = await servePage(sandbox, 0);
    chromium = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await page?.close();
    await sandbox?.close();
  });

  it("a patient starts the bot, books, staff confirm from the card, and the patient downloads the .ics", async () => {
    const ui = await SandboxPage.open(chromium.browser, page.url);
    const ana = await ui.addPatient("Ana Lima");

    await ui.send(ana, "/start");
    const welcome = ui.botMessage(ana, "Welcome to");
    await welcome.waitFor();
    // Telegram's HTML is rendered: the clinic's name in bold.
    expect(await welcome.locator("b").first().textContent()).toBe("Maple Spine & Wellness Clinic");

    await ui.press(ana, "Welcome to", "Book an appointment");
    await ui.requestAppointment(ana);
    const sent = ui.botMessage(ana, "Your request is sent");
    await sent.waitFor();
    const reference = /MS-\d{6}-\d/.exec((await sent.textContent()) ?? "")?.[0];
    expect(reference).toBeDefined();

    const staff = ui.staffChat();
    await ui.press(staff, `Request ${reference}`, "Confirm");
    // The card is edited in place: the same message now says who confirmed.
    await ui.botMessage(staff, `Request ${reference}`).filter({ hasText: "Confirmed by Sam" }).waitFor();
    expect(await staff.locator(".message.bot", { hasText: `Request ${reference}` }).count()).toBe(1);

    await ui.show(ana);
    await ui.botMessage(ana, "Your appointment is confirmed").waitFor({ timeout: 20_000 });
    const link = ana.locator(".document", { hasText: ".ics" }).last();
    await link.waitFor({ timeout: 20_000 });
    const [download] = await Promise.all([ui.page.waitForEvent("download"), link.click()]);
    const calendar = readFileSync(await download.path(), "utf8");
    expect(download.suggestedFilename()).toMatch(/\.ics$/);
    expect(calendar).toContain("BEGIN:VCALENDAR");
    expect(calendar).toContain("SUMMARY:Registered massage therapy — 60 min");
    expect(calendar).toContain("STATUS:CONFIRMED");

    // Each chat's command menu: the staff chat has the staff commands too.
    await staff.locator(".menu-button").click();
    await staff.locator(".command-menu .command", { hasText: /^\/broadcast$/ }).waitFor();
    await ana.locator(".menu-button").click();
    await ana.locator(".command-menu .command", { hasText: /^\/book$/ }).waitFor();
    expect(await ana.locator(".command-menu .command", { hasText: "/broadcast" }).count()).toBe(0);
    // A French patient's menu is in French.
    const lea = await ui.addPatient("Léa", "fr");
    await ui.show(lea);
    await lea.locator(".menu-button").click();
    await lea.locator(".command-menu button", { hasText: "Demander un rendez-vous" }).filter({ hasText: /\/book/ }).waitFor();
    await ui.page.close();
  }, 120_000);

  it("shows what the bot is doing, and the file it sends; the bot's own HTTP entry serves none of the page", async () => {
    const ui = await SandboxPage.open(chromium.browser, page.url);
    const mia = await ui.addPatient("Mia");
    await ui.send(mia, "/start");
    await ui.botMessage(mia, "Welcome to").waitFor();
    const actions: string[] = [];
    const stop = sandbox.subscribe((event) => event.type === "typing" && actions.push(event.action));
    await ui.send(mia, "/mydata");
    await mia.locator(".document", { hasText: "my-data.json" }).waitFor();
    stop();
    expect(actions).toEqual(["upload_document"]);

    // What npm start serves (the same startApp) knows nothing of the sandbox.
    const botHttp = `http://127.0.0.1:${sandbox.app.http.port}`;
    for (const path of ["/", "/events", "/sandbox.js", "/api/send"]) expect((await fetch(botHttp + path)).status).toBe(404);
    expect((await fetch(`${botHttp}/healthz`)).status).toBe(200);
    await ui.page.close();
  }, 60_000);

  it("draws what happens to a chat as Telegram shows it: typing…, a message deleted, an edit in place", async () => {
    const ui = await SandboxPage.open(chromium.browser, page.url);
    const zoe = await ui.addPatient("Zoé");
    await ui.send(zoe, "/help");
    const help = ui.botMessage(zoe, "/book");
    await help.waitFor();
    // The bot's own calls, made here with the sandbox's token: the page shows their effect live.
    const api = new Api(sandbox.token, { apiRoot: sandbox.config.telegramApiRoot });
    const chatId = Number(await zoe.getAttribute("data-chat-id"));
    await api.sendChatAction(chatId, "typing");
    await zoe.locator(".typing", { hasText: "typing…" }).waitFor();
    const note = await api.sendMessage(chatId, "<i>Soon</i> <a href=\"https://maplespine.example/\">gone</a>", { parse_mode: "HTML" });
    await zoe.locator(".typing").waitFor({ state: "hidden" });
    const drawn = zoe.locator(`.message[data-message-id="${note.message_id}"]`);
    expect(await drawn.locator("i").textContent()).toBe("Soon");
    expect(await drawn.locator("a").getAttribute("href")).toBe("https://maplespine.example/");
    await api.editMessageText(chatId, note.message_id, "<b>Changed</b>", { parse_mode: "HTML" });
    await drawn.locator("b", { hasText: "Changed" }).waitFor();
    expect(await drawn.locator(".meta").textContent()).toContain("edited");
    await api.deleteMessage(chatId, note.message_id);
    await drawn.waitFor({ state: "detached" });
    expect(await help.isVisible()).toBe(true);
    await ui.page.close();
  }, 60_000);

  it("is usable at a phone's width: one chat at a time, tabs to switch, nothing wider than the screen", async () => {
    const ui = await SandboxPage.open(chromium.browser, page.url, { width: 390, height: 844 });
    const leo = await ui.addPatient("Léo", "fr");
    await ui.show(leo);
    await ui.send(leo, "/start");
    await ui.botMessage(leo, "Bienvenue").waitFor();
    expect(await ui.staffChat().isVisible()).toBe(false);
    const width = await ui.page.evaluate<number>("document.documentElement.scrollWidth");
    expect(width).toBeLessThanOrEqual(390);
    const box = await leo.locator(".composer input").boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390 && box.y + box.height <= 844).toBe(true);
    await ui.show(ui.staffChat());
    expect(await ui.staffChat().isVisible()).toBe(true);
    expect(await leo.isVisible()).toBe(false);
    await ui.page.close();
  }, 60_000);
  it("made-up patients make an audience: an announcement shows its live progress, then its report", async () => {
    const ui = await SandboxPage.open(chromium.browser, page.url);
    const crowd = 100;
    await ui.addCrowd(crowd);
    // Their /start greetings go out at Telegram's pace first.
    await sandbox.peer.waitFor(() => new Set(sandbox.peer.delivered().filter((message) => message.chat.id >= 900_001).map((message) => message.chat.id)).size >= crowd, 30_000);
    const edits: string[] = [];
    const stop = sandbox.subscribe((event) => {
      if (event.type === "edited" && event.chatId === 500_001) edits.push(event.message.html);
    });
    const staff = ui.staffChat();
    await ui.send(staff, "/broadcast");
    await ui.botMessage(staff, "Send me the announcement").waitFor();
    await ui.send(staff, "The clinic is closed on Friday afternoon.");
    await ui.press(staff, "Who should receive it?", "Everyone");
    const sendButton = ui.botMessage(staff, "This is exactly what").locator("button", { hasText: "Send to" });
    const audience = Number(/Send to (\d+) people/.exec((await sendButton.textContent()) ?? "")?.[1]);
    // Everyone: the made-up patients and the page's own patients.
    expect(audience).toBeGreaterThan(crowd);
    await sendButton.click();
    const report = staff.locator(".message.bot", { hasText: /Announcement #\d+ is done/ });
    await report.waitFor({ timeout: 40_000 });
    stop();
    expect(await report.textContent()).toContain(`Delivered: ${audience} of ${audience}`);
    // Progress was shown in the same message before the report replaced it.
    expect(edits.some((html) => html.includes("Remaining:"))).toBe(true);
    await ui.page.close();
  }, 90_000);

  it("the clock moves to next Monday 9:00 and the weekly tip arrives", async () => {
    const ui = await SandboxPage.open(chromium.browser, page.url);
    const tom = await ui.addPatient("Tom");
    await ui.send(tom, "/subscribe");
    await ui.press(tom, "Which day of the week", "Monday");
    // The same message is edited in place to ask for the time.
    await ui.press(tom, "At what time on Monday", /^9/);
    await ui.botMessage(tom, "You're subscribed").waitFor();
    expect(await tom.locator(".message.bot").count()).toBe(1);

    await ui.moveClock("next-monday-9");
    expect(await ui.page.locator("#clock").textContent()).toMatch(/Mon.*09:00/);
    const tip = tom.locator(".message.bot").nth(1);
    await tip.waitFor({ timeout: 20_000 });
    expect(await tip.textContent()).not.toContain("subscribed");
    expect(await tip.locator(".meta").textContent()).toMatch(/Mon 09:0\d/);
    await ui.page.close();
  }, 60_000);

  it("opens the staff desk from /desk, as a Mini App with signed launch data, showing the appointment staff confirmed", async () => {
    const ui = await SandboxPage.open(chromium.browser, page.url);
    const staff = ui.staffChat();
    await ui.send(staff, "/desk");
    await ui.press(staff, "The staff desk", "Open the desk");
    const desk = ui.page.frameLocator("#webapp iframe");
    await desk.locator('#view[data-ready="true"]').waitFor({ timeout: 20_000 });
    expect(await desk.locator("#title").textContent()).toBe("Staff desk · Maple Spine & Wellness Clinic");
    // Ana's appointment from the first test: the clock has moved since, so look back a week or two.
    const appointment = desk.locator("li.appointment", { hasText: "Ana Lima" });
    for (let week = 0; week < 3 && (await appointment.count()) === 0; week++) {
      await desk.locator("#previous").click();
      await desk.locator('#view[data-ready="true"]').waitFor();
    }
    expect(await appointment.first().textContent()).toMatch(/Registered massage therapy — 60 min/);
    // /desk put the desk on the staff chat's menu button too, which opens it the same way.
    await ui.page.locator("#webapp-close").click();
    await staff.locator(".webapp-button", { hasText: "Desk" }).click();
    await desk.locator('#view[data-ready="true"]').waitFor({ timeout: 20_000 });
    await ui.page.close();
  }, 60_000);
});
