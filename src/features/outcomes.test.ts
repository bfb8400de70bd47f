import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Message } from "grammy/types";
import { createTestBot, STAFF_ID, TEST_TOKEN, type TestBot } from "../../test/kit/test-bot.js";
import { testProviders } from "../../test/kit/test-database.js";
import { signedLaunchData } from "../../test/kit/launch-data.js";
import { callbackQuery, command, user } from "../bot-api-peer/updates.js";
import { startHttpServer, type RunningHttpServer } from "../http/server.js";
import { confirmRequest } from "../booking/confirm-request.js";
import { cancelAppointment } from "../booking/cancel-appointment.js";

/**
 * Recording how an appointment went (completed, no-show) is one rule for the
 * desk and the staff chat's /today: only once it has begun, once, undoable for
 * 24 hours with its time taken back only if still free; and appointments that
 * have begun with no outcome are listed for staff to mark.
 */

// Tuesday 1 December 2026, 08:00 in Ottawa.
const START = new Date("2026-12-01T13:00:00Z");
// Wednesday 2 December, 10:00-11:00 in Ottawa, with Camille (she works 08:00-12:00 that day).
const AT_TEN = new Date("2026-12-02T15:00:00Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const ana = user(64_001, { first_name: "Ana", language_code: "en" });
const bo = user(64_002, { first_name: "Bo", language_code: "en" });
const staff = user(STAFF_ID, { first_name: "Sam", last_name: "Reyes", language_code: "en" });
const staffUser = { id: STAFF_ID, first_name: "Sam", last_name: "Reyes", language_code: "en" };

describe.each(testProviders)("an appointment's outcome on %s", (provider) => {
  let t: TestBot;
  let http: RunningHttpServer;
  let clock = START;

  beforeEach(async () => {
    clock = START;
    t = await createTestBot({ provider, now: () => clock, env: { PUBLIC_URL: "https://desk.example.com" } });
    http = await startHttpServer({ port: 0, logger: t.services.deps.logger, health: async () => ({ ok: true, checks: {} }), mounts: { "/desk": t.services.desk! } });
    // The patients have written to the bot before (their rows exist).
    await t.send(command(ana, "/start"));
    await t.send(command(bo, "/start"));
  });

  afterEach(async () => {
    await http?.close();
    await t?.close();
  });

  async function desk(path: string, body?: unknown) {
    const auth = `tma ${signedLaunchData(TEST_TOKEN, staffUser, { authDate: new Date(clock.getTime() - MINUTE) })}`;
    const response = await fetch(`http://127.0.0.1:${http.port}/desk/api/${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: auth, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // The answers are read as the page reads them: untyped JSON.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, json: (await response.json()) as Record<string, any> };
  }

  /** A confirmed appointment for `who` with Camille at `startsAt`, as staff confirm a request. */
  async function appointmentAt(who: typeof ana, startsAt: Date, minutes = 60) {
    const request = await t.services.deps.booking.appointments.createRequest({
      userId: who.id, chatId: who.id, serviceId: minutes === 30 ? "massage-30" : "massage-60", practitionerId: "camille-tremblay", anyPractitioner: false,
      startsAt, endsAt: new Date(startsAt.getTime() + minutes * MINUTE), patientName: who.first_name, phone: "+16135550142",
      directBilling: false, insurer: null, billingNote: null, note: null, redFlags: [], language: "en",
    });
    const confirmed = await confirmRequest(t.services.deps.booking, { requestId: request.id, by: { id: STAFF_ID, name: "Sam" } });
    if (!confirmed.ok) throw new Error(`not confirmed: ${confirmed.reason}`);
    await t.services.engine.drain();
    return confirmed.appointment;
  }

  const statusOf = async (id: number) => (await t.database.prisma.appointment.findUniqueOrThrow({ where: { id } })).status;
  const cellsOf = (id: number) => t.database.prisma.appointmentSlot.count({ where: { appointmentId: id } });
  const lastAnswer = () => t.sim.callsTo("answerCallbackQuery").at(-1)!.params as { text?: string; show_alert?: boolean };
  const buttonData = (message: Message | undefined) => t.sim.buttonsOf(message).map((button) => button.callback_data);

  async function today(day?: string): Promise<Message> {
    await t.send(command(staff, "/today", day));
    return t.sim.lastMessageTo(staff.id)!;
  }

  it("refuses an outcome for an appointment that has not begun, from the desk and from /today: it keeps its time and stays the patient's", async () => {
    const appointment = await appointmentAt(ana, AT_TEN);

    for (const outcome of ["completed", "no-show"]) {
      const answer = await desk(`appointments/${appointment.id}/${outcome}`, {});
      expect(answer.status).toBe(409);
      expect(answer.json).toMatchObject({ error: "not-started", startsAt: AT_TEN.toISOString() });
    }

    // /today offers no ✓ or ✗ for it; a press of one anyway (an older list, a forged button) is refused with the reason.
    const list = await today("2026-12-02");
    expect(list.text).toContain("10:00 a.m. · Camille Tremblay · Ana");
    expect(buttonData(list)).not.toContain(`today:done:${appointment.id}`);
    await t.send(t.sim.pushUpdate(callbackQuery(staff, `today:done:${appointment.id}`, list)));
    expect(lastAnswer()).toMatchObject({ show_alert: true, text: expect.stringContaining("its outcome can be recorded once it has begun") });
    await t.send(t.sim.pushUpdate(callbackQuery(staff, `today:noshow:${appointment.id}`, list)));

    expect(await statusOf(appointment.id)).toBe("confirmed");
    expect(await cellsOf(appointment.id)).toBe(12);
    // The patient still has it coming up, and the desk does not show its time as free.
    await t.send(command(ana, "/appointments"));
    expect(t.lastTextTo(ana.id)).not.toContain("no appointment or request coming up");
    const agenda = await desk("appointments?from=2026-12-02&to=2026-12-02&practitioner=camille-tremblay");
    const free = (agenda.json.days[0].free as Array<{ start: string; end: string }>).filter((range) => range.start < "2026-12-02T16:00:00.000Z" && "2026-12-02T15:00:00.000Z" < range.end);
    expect(free).toEqual([]);
    expect(agenda.json.appointments[0]).toMatchObject({ id: appointment.id, status: "confirmed", started: false, undoUntil: null });
  });

  it("lists an appointment that has begun with no outcome, marks it once from /today, and undoes it from the chat", async () => {
    const appointment = await appointmentAt(ana, AT_TEN);
    clock = new Date("2026-12-03T14:00:00Z"); // Thursday 09:00: Wednesday's appointment has no outcome.

    // The desk lists it whatever days it shows; /today lists it under the day asked for.
    const agenda = await desk("appointments?from=2026-12-03&to=2026-12-03");
    expect(agenda.json.awaitingOutcome).toEqual([expect.objectContaining({ id: appointment.id, patientName: "Ana", status: "confirmed", started: true })]);
    const list = await today();
    expect(list.text).toContain("Earlier appointments with no outcome yet: 1");
    expect(list.text).toMatch(/Wed, Dec 2 10:00 a\.m\. · Camille Tremblay · Ana/);
    expect(buttonData(list)).toEqual(expect.arrayContaining([`today:done:${appointment.id}`, `today:noshow:${appointment.id}`]));

    await t.send(t.sim.pressButton(staff, list, `today:done:${appointment.id}`));
    expect(lastAnswer().text).toBe("Marked completed.");
    const done = t.sim.lastMessageTo(staff.id)!;
    expect(done.text).toMatch(/MS-\S+ · Ana · Wed, Dec 2 10:00 a\.m\.: marked completed by Sam/);
    expect(await t.database.prisma.appointment.findUniqueOrThrow({ where: { id: appointment.id } })).toMatchObject({ status: "completed", outcomeBy: "Sam Reyes", outcomeAt: clock });
    expect((await desk("appointments?from=2026-12-03&to=2026-12-03")).json.awaitingOutcome).toEqual([]);

    // Once only: the other button of the same list, and the desk, are told it is done and by whom.
    await t.send(t.sim.pressButton(staff, list, `today:noshow:${appointment.id}`));
    expect(lastAnswer()).toMatchObject({ show_alert: true, text: expect.stringMatching(/is already completed \(Sam Reyes\)/) });
    expect((await desk(`appointments/${appointment.id}/no-show`, {})).json).toMatchObject({ error: "already-handled", status: "completed", by: "Sam Reyes" });
    expect(await statusOf(appointment.id)).toBe("completed");

    // Undo: confirmed again, its time held again, and listed again for an outcome.
    await t.send(t.sim.pressButton(staff, done, `today:undo:${appointment.id}`));
    expect(lastAnswer().text).toContain("is confirmed again");
    expect(await statusOf(appointment.id)).toBe("confirmed");
    expect(await cellsOf(appointment.id)).toBe(12);
    expect(buttonData(t.sim.message(staff.id, done.message_id))).toEqual([]);
    expect((await desk("appointments?from=2026-12-03&to=2026-12-03")).json.awaitingOutcome).toHaveLength(1);
  });

  it("undoes an outcome from the desk for 24 hours, and takes the time back only if it is still free", async () => {
    const appointment = await appointmentAt(ana, AT_TEN);
    clock = new Date(AT_TEN.getTime() + 10 * MINUTE); // 10:10, the patient has not come.

    const marked = await desk(`appointments/${appointment.id}/no-show`, {});
    expect(marked.json).toEqual({ ok: true, status: "no-show", undoUntil: new Date(clock.getTime() + 24 * HOUR).toISOString() });
    expect(await cellsOf(appointment.id)).toBe(0);
    const day = await desk("appointments?from=2026-12-02&to=2026-12-02");
    expect(day.json.appointments[0]).toMatchObject({ id: appointment.id, status: "no-show", outcomeBy: "Sam Reyes", undoUntil: new Date(clock.getTime() + 24 * HOUR).toISOString() });

    // The rest of the hour was given to Bo meanwhile: the no-show stays, and Bo keeps his time.
    const boAppointment = await appointmentAt(bo, new Date(AT_TEN.getTime() + 30 * MINUTE), 30);
    const refused = await desk(`appointments/${appointment.id}/undo`, {});
    expect(refused).toMatchObject({ status: 409, json: { error: "time-taken" } });
    expect(await statusOf(appointment.id)).toBe("no-show");
    expect(await cellsOf(boAppointment.id)).toBe(6);

    // Once Bo's time is freed again, the undo goes through.
    expect((await cancelAppointment(t.services.deps.booking, { appointmentId: boAppointment.id, staffName: "Sam" })).ok).toBe(true);
    expect((await desk(`appointments/${appointment.id}/undo`, {})).json).toEqual({ ok: true, status: "confirmed" });
    expect(await cellsOf(appointment.id)).toBe(12);
    expect((await desk(`appointments/${appointment.id}/undo`, {})).json).toMatchObject({ error: "not-marked", status: "confirmed" });

    // Marked again; a day and a bit later it can no longer be undone.
    expect((await desk(`appointments/${appointment.id}/completed`, {})).status).toBe(200);
    clock = new Date(clock.getTime() + 24 * HOUR + MINUTE);
    expect((await desk("appointments?from=2026-12-02&to=2026-12-02")).json.appointments[0]).toMatchObject({ status: "completed", undoUntil: null });
    expect((await desk(`appointments/${appointment.id}/undo`, {})).json).toMatchObject({ error: "undo-expired" });
    expect(await statusOf(appointment.id)).toBe("completed");
    expect((await desk("appointments/999999/undo", {})).json).toMatchObject({ error: "unknown-appointment" });
  });
});
