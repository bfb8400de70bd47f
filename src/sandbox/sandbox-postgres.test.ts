import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/database.js";
import { Sandbox } from "./sandbox.js";
import { servePage, type RunningPage } from "./page-server.js";
import { SandboxPageClient } from "../../test/kit/sandbox-page-client.js";
import { scratchLocation, testPostgresUrl, testProviders } from "../../test/kit/test-database.js";
import { PROJECT_ROOT } from "../db/schema-files.js";

/**
 * `DATABASE_URL=postgresql://… npm run sandbox`: the sandbox on a database it
 * is given, here a fresh PostgreSQL schema nobody migrated. It migrates it,
 * serves, keeps it when it stops, and a second run goes on from the first.
 */
describe.skipIf(!testProviders.includes("postgresql"))("the sandbox on a PostgreSQL DATABASE_URL", () => {
  const location = scratchLocation("postgresql");
  const running: Array<{ sandbox: Sandbox; page: RunningPage; client: SandboxPageClient }> = [];

  async function start() {
    const sandbox = await Sandbox.start({ databaseUrl: location.url, logLevel: "silent" });
    const page = await servePage(sandbox, 0);
    const client = await SandboxPageClient.connect(page.url);
    const run = { sandbox, page, client };
    running.push(run);
    return run;
  }
  async function stop(run: (typeof running)[number]) {
    run.client.close();
    await run.page.close();
    await run.sandbox.close();
    running.splice(running.indexOf(run), 1);
  }

  afterAll(async () => {
    for (const run of [...running]) await stop(run);
    await location.cleanup();
  });

  it("migrates it, greets a patient's /start, sends a weekly tip after Next Monday 9:00, and keeps it all for the next run", async () => {
    const first = await start();
    const ana = await first.client.addPatient("Ana Lima");
    await first.client.send(ana, "/start");
    const hello = await first.client.waitFor(ana, /Hello, Ana!/);
    expect(hello.text).toContain("Maple Spine & Wellness Clinic");

    await first.client.send(ana, "/subscribe");
    await first.client.press(ana, /Which day of the week/, /Monday/);
    await first.client.press(ana, /At what time on Monday/, /^9/);
    await first.client.waitFor(ana, /You're subscribed/);
    const monday = await first.client.moveClock("next-monday-9");
    const tip = await first.client.waitFor(ana, /not a diagnosis|educational/i, 20_000);
    expect(tip.text.length).toBeGreaterThan(100);
    await stop(first);

    // Nothing was deleted at stop.
    const database = await openDatabase(location.url);
    try {
      expect(await database.prisma.user.count({ where: { id: BigInt(ana) } })).toBe(1);
      expect(await database.prisma.tipSubscription.count()).toBe(1);
    } finally {
      await database.close();
    }

    // The next run: its clock goes on from the tip's time, Ana's chat is on the page again (the bot still knows her
    // and her tips), and a new patient is someone new to the bot.
    const second = await start();
    expect(Date.parse(second.client.clock)).toBeGreaterThanOrEqual(Date.parse(monday));
    expect(second.client.chatNames.get(ana)).toBe("Ana Lima");
    await second.client.send(ana, "/settings");
    await second.client.waitFor(ana, /You get one tip every Monday/);
    const bo = await second.client.addPatient("Bo Tran");
    expect(bo).not.toBe(ana);
    await second.client.send(bo, "/start");
    await second.client.waitFor(bo, /Hello, Bo!/);
    await stop(second);
  }, 60_000);

  it("`npm run sandbox` on a database that does not exist stops with one line naming it", async () => {
    const missing = new URL(testPostgresUrl());
    missing.pathname = `/sandbox_missing_${process.pid}`;
    const run = promisify(execFile)(process.execPath, ["--import", "tsx", "src/sandbox/main.ts"], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATABASE_URL: missing.toString(), PORT: "0" },
    });
    const failed = (await run.then(() => undefined, (error: unknown) => error)) as { code: number; stdout: string; stderr: string } | undefined;
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toBe("");
    expect(failed?.stderr.trim().split("\n")).toEqual([expect.stringMatching(new RegExp(`^Could not start the sandbox: .*database "sandbox_missing_${process.pid}" does not exist$`))]);
  }, 30_000);
});
