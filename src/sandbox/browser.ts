/**
 * Driving the sandbox page in a real browser (Debian's chromium through
 * playwright-core, headless): what the browser tests and the screenshot
 * script share. Everything waits on what the page shows, as a person would.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface RunningBrowser {
  browser: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile, removed on close. */
export async function launchChromium(): Promise<RunningBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "sandbox-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
  });
  return {
    browser: context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type { Browser, Page };

/** The sandbox page, seen through the browser. */
export class SandboxPage {
  constructor(readonly page: Page) {}

  static async open(context: BrowserContext, url: string, viewport = { width: 1280, height: 800 }): Promise<SandboxPage> {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    return new SandboxPage(page);
  }

  /** Adds a patient from the page's form and returns their chat. */
  async addPatient(name: string, language: "en" | "fr" = "en"): Promise<Locator> {
    await this.openControls();
    const form = this.page.locator("#new-patient");
    await form.locator("input[name=name]").fill(name);
    await form.locator("select[name=language]").selectOption(language);
    await form.locator("button[type=submit]").click();
    const chat = this.page.locator(".chat[data-kind=patient]", { has: this.page.locator(".title", { hasText: name }) });
    await chat.waitFor();
    return chat;
  }

  staffChat(): Locator {
    return this.page.locator(".chat[data-kind=staff]");
  }

  /** Shows a chat (at a phone's width only one is shown at a time). */
  async show(chat: Locator): Promise<void> {
    const id = await chat.getAttribute("data-chat-id");
    const tab = this.page.locator(`#tabs button[data-chat-id="${id}"]`);
    if (await tab.isVisible()) await tab.click();
  }

  /** Types into the chat's box and presses Enter. */
  async send(chat: Locator, text: string): Promise<void> {
    await this.show(chat);
    const input = chat.locator(".composer input");
    await input.fill(text);
    await input.press("Enter");
  }

  /** The bot's latest message containing `text`. */
  botMessage(chat: Locator, text: string | RegExp): Locator {
    return chat.locator(".message.bot", { hasText: text }).last();
  }

  /** Waits for the bot's message with `text`, then presses its inline button labelled `label`. */
  async press(chat: Locator, text: string | RegExp, label: string | RegExp): Promise<void> {
    await this.show(chat);
    const message = this.botMessage(chat, text);
    await message.waitFor();
    await message.locator(".inline-keyboard button", { hasText: label }).first().click();
  }

  /**
   * A patient's booking request from its first step ("What would you like to book")
   * to sending it, taking the first free time and sharing the made-up phone number.
   */
  async requestAppointment(patient: Locator): Promise<void> {
    await this.press(patient, "What would you like to book", "60 min");
    await this.press(patient, "With whom", "No preference");
    await this.press(patient, "Which day", /./);
    await this.press(patient, "Free times on", /\d/);
    await this.press(patient, "What name should the clinic use", "Use");
    await this.press(patient, "Do you agree", "I agree");
    await this.botMessage(patient, "What phone number").waitFor();
    await patient.locator(".reply-keyboard button", { hasText: "Share my phone number" }).click();
    await patient.locator(".message.me .contact", { hasText: "+1 613 555" }).waitFor();
    await this.press(patient, "bill your insurance directly", /^No$/);
    await this.press(patient, "Anything the practitioner should know", "Skip");
    await this.press(patient, "Please check your request", "Send my request");
  }

  async openControls(): Promise<void> {
    const controls = this.page.locator("details.controls");
    if ((await controls.getAttribute("open")) === null) await controls.locator("summary").click();
  }

  async moveClock(to: "plus-1h" | "plus-1d" | "next-monday-9" | "plus-1w"): Promise<void> {
    await this.openControls();
    const before = await this.page.locator("#clock").getAttribute("data-iso");
    await this.page.locator(`[data-clock="${to}"]`).click();
    await this.page.waitForFunction(`document.querySelector("#clock")?.getAttribute("data-iso") !== ${JSON.stringify(before)}`);
  }

  async addCrowd(count: number): Promise<void> {
    await this.openControls();
    await this.page.locator("#crowd input[name=count]").fill(String(count));
    await this.page.locator("#crowd button[type=submit]").click();
    await this.page.locator("#crowd-total", { hasText: "made-up patients" }).waitFor();
  }
}
