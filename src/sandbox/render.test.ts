import { describe, expect, it } from "vitest";
import { renderEntities } from "./render.js";
import { SandboxClock } from "./clock.js";

describe("the page's rendering of Telegram's HTML subset", () => {
  it("turns bold, italic, code and links into their tags, nested, and escapes everything else", () => {
    const text = "Hi <Ana> & see the site, run npm";
    const html = renderEntities(text, [
      { type: "bold", offset: 0, length: 8 },
      { type: "italic", offset: 3, length: 5 },
      { type: "text_link", offset: 19, length: 4, url: "https://maplespine.example/" },
      { type: "code", offset: 29, length: 3 },
    ]);
    expect(html).toBe('<b>Hi <i>&lt;Ana&gt;</i></b> &amp; see the <a href="https://maplespine.example/" target="_blank" rel="noopener noreferrer">site</a>, run <code>npm</code>');
  });

  it("never makes a link of javascript: or data: addresses, and keeps line breaks", () => {
    expect(renderEntities("click\nme", [{ type: "text_link", offset: 6, length: 2, url: "javascript:alert(1)" }])).toBe("click<br>me");
  });
});

describe("the sandbox clock", () => {
  it("moves only forward, and finds the next Monday 9:00 in the clinic's zone", () => {
    const clock = new SandboxClock();
    const monday = clock.nextWeekdayAt(1, 9, "America/Toronto");
    clock.moveTo(monday);
    expect(Math.abs(clock.now().getTime() - monday.getTime())).toBeLessThan(1_000);
    expect(new Intl.DateTimeFormat("en-CA", { timeZone: "America/Toronto", weekday: "short", hour: "2-digit", hourCycle: "h23" }).format(clock.now())).toMatch(/Mon.*09/);
    expect(() => clock.moveTo(new Date(monday.getTime() - 60_000))).toThrow(/only moves forward/);
    expect(clock.nextWeekdayAt(1, 9, "America/Toronto").getTime() - monday.getTime()).toBe(7 * 24 * 3600_000);
  });
});
