/**
 * The README's pictures of the sandbox, one scene each: what to do on the
 * page before the picture is taken. `npm run screenshots` plays them in order
 * against one fresh sandbox and writes docs/<file>. To add a picture, add a
 * scene here (and point README.md at its file).
 */
import type { Sandbox } from "./sandbox.js";
import type { SandboxPage } from "./browser.js";

export interface Scene {
  /** Written to docs/. */
  file: string;
  viewport: { width: number; height: number };
  /** Leaves the page as it should be pictured. */
  play(ui: SandboxPage, sandbox: Sandbox): Promise<void>;
}

export const scenes: Scene[] = [
  {
    file: "sandbox-booking.png",
    viewport: { width: 1280, height: 800 },
    async play(ui) {
      const ana = await ui.addPatient("Ana Lima");
      await ui.send(ana, "/book");
      await ui.requestAppointment(ana);
      await ui.press(ui.staffChat(), /Request MS-/, "Confirm");
      await ana.locator(".document", { hasText: ".ics" }).waitFor({ timeout: 20_000 });
    },
  },
  {
    file: "sandbox-announcement.png",
    viewport: { width: 1280, height: 800 },
    async play(ui, sandbox) {
      await ui.addCrowd(150);
      await sandbox.peer.waitFor(() => new Set(sandbox.peer.delivered().filter((message) => message.chat.id >= 900_001).map((message) => message.chat.id)).size >= 150, 60_000);
      const staff = ui.staffChat();
      await ui.send(staff, "/broadcast");
      await ui.botMessage(staff, "Send me the announcement").waitFor();
      await ui.send(staff, "The clinic closes at 14:00 on Friday for our staff training. See you next week!");
      await ui.press(staff, "Who should receive it?", "Everyone");
      await ui.press(staff, "This is exactly what", "Send to");
      await staff.locator(".message.bot", { hasText: /Announcement #\d+ is done/ }).waitFor({ timeout: 60_000 });
    },
  },
  {
    file: "sandbox-desk.png",
    viewport: { width: 1280, height: 800 },
    async play(ui) {
      const staff = ui.staffChat();
      await ui.send(staff, "/desk");
      await ui.press(staff, "The staff desk", "Open the desk");
      await ui.page.frameLocator("#webapp iframe").locator('#view[data-ready="true"]').waitFor();
    },
  },
  {
    file: "sandbox-phone.png",
    viewport: { width: 390, height: 844 },
    async play(ui) {
      const leo = await ui.addPatient("Léo", "fr");
      await ui.send(leo, "/start");
      await ui.botMessage(leo, "Bienvenue").waitFor();
      await ui.send(leo, "/subscribe");
      await ui.press(leo, "Quel jour", /lundi/i);
      await ui.press(leo, "À quelle heure", /^9/);
      await leo.locator(".message.bot").nth(1).waitFor();
    },
  },
];
