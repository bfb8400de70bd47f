/**
 * `npm run screenshots`: plays the scenes of screenshot-scenes.ts on a fresh
 * sandbox in headless Chromium and writes the README's pictures to docs/.
 * Run it again whenever the page or the bot's messages change.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Sandbox } from "./sandbox.js";
import { servePage } from "./page-server.js";
import { launchChromium, SandboxPage } from "./browser.js";
import { scenes } from "./screenshot-scenes.js";

const only = process.argv.slice(2);
const docs = join(process.cwd(), "docs");
mkdirSync(docs, { recursive: true });

const sandbox = await Sandbox.start({ logLevel: "warn" });
const page = await servePage(sandbox, 0);
const chromium = await launchChromium();
let failed = false;
try {
  for (const scene of scenes.filter((candidate) => only.length === 0 || only.includes(candidate.file))) {
    const ui = await SandboxPage.open(chromium.browser, page.url, scene.viewport);
    try {
      await scene.play(ui, sandbox);
      // Let the last edits and scrolling settle before the picture.
      await ui.page.waitForTimeout(500);
      await ui.page.screenshot({ path: join(docs, scene.file) });
      process.stdout.write(`wrote docs/${scene.file}\n`);
    } catch (error) {
      failed = true;
      process.stderr.write(`scene ${scene.file} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    } finally {
      await ui.page.close();
    }
  }
} finally {
  await chromium.close();
  await page.close();
  await sandbox.close();
}
process.exit(failed ? 1 : 0);
