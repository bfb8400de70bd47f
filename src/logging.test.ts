import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";
import { createTestBot, TEST_TOKEN } from "../test/kit/test-bot.js";
import { command, contactMessage, textMessage, user } from "./bot-api-peer/updates.js";

describe("logs at info level", () => {
  it("never contain the bot token, phone numbers or what patients wrote", async () => {
    let output = "";
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    const t = await createTestBot({ logger: createLogger("info", stream) });
    try {
      const ana = user(8401, { first_name: "Ana", language_code: "en" });
      const secretText = "my neighbour Bob says my back is crooked";
      await t.send(command(ana, "/start"));
      await t.send(textMessage(ana, `${secretText}, call me at 613-555-0199`));
      await t.send(contactMessage(ana, "+16135550199"));
      await t.send(textMessage(ana, "I fell down the stairs and my leg is numb 613 555 0199"));
      t.services.deps.users.findById = async () => {
        throw new Error(`boom while calling https://api.telegram.org/bot${TEST_TOKEN}/getMe`);
      };
      await t.send(textMessage(ana, "after the failure"));
      expect(output).toContain("update failed");
      expect(output).toContain("red flag");
      expect(output).not.toContain(TEST_TOKEN);
      expect(output).not.toMatch(/613.?555.?0199/);
      expect(output).not.toContain("neighbour Bob");
      expect(output).not.toContain("stairs");
    } finally {
      await t.close();
    }
  });
});
