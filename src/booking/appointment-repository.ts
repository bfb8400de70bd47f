import type { Db } from "../db/database.js";
import { isUniqueViolation } from "../delivery/outbox-repository.js";
import type { BusyInterval } from "./available-slots.js";
import { OUTCOMES, type AppointmentOutcome, type AppointmentRequest, type Appointment, type AppointmentWithRequest, type NewAppointmentRequest, type StaffMember, type ConfirmInput, type ConfirmResult, type NewWaitlistEntry, type WaitlistEntry, type WaitlistOffer } from "./appointment-records.js";

/**
 * Appointment requests, appointments and the waitlist. Every change of status
 * is a conditional update ("from these statuses only"), so two staff members,
 * a double tap or two instances can never both win; and a confirmed
 * appointment occupies its practitioner's five-minute cells, whose primary
 * key makes the database itself refuse an overlapping second appointment.
 */

export { OUTCOMES } from "./appointment-records.js";
export type { RequestStatus, AppointmentStatus, AppointmentOutcome, AppointmentRequest, Appointment, AppointmentWithRequest, NewAppointmentRequest, StaffMember, ConfirmInput, ConfirmResult, NewWaitlistEntry, WaitlistEntry, WaitlistOffer } from "./appointment-records.js";

export interface AppointmentRepository {
  createRequest(input: NewAppointmentRequest): Promise<AppointmentRequest>;
  findRequest(id: number): Promise<AppointmentRequest | null>;
  findAppointment(id: number): Promise<AppointmentWithRequest | null>;
  findAppointmentOfRequest(requestId: number): Promise<Appointment | null>;
  /** Open requests (waiting or with a proposal) plus confirmed appointments still ahead. */
  countUpcoming(userId: number | bigint, now: Date): Promise<number>;
  /** The name and phone of the patient's latest request that has them (null: none, or erased). */
  lastDetailsOf(userId: number | bigint): Promise<{ patientName: string; phone: string } | null>;
  /** What a patient sees in /appointments. */
  upcomingOf(userId: number | bigint, now: Date): Promise<{ requests: AppointmentRequest[]; appointments: AppointmentWithRequest[] }>;
  pendingRequests(limit?: number): Promise<AppointmentRequest[]>;
  /** Requests still open (waiting, or with a time proposed) whose requested or proposed time starts in [from, to). */
  openRequestsBetween(from: Date, to: Date): Promise<AppointmentRequest[]>;
  countPending(): Promise<number>;
  /** Confirmed appointments overlapping [from, to): the time slot offers must avoid. */
  busyBetween(from: Date, to: Date): Promise<BusyInterval[]>;
  appointmentsBetween(from: Date, to: Date): Promise<AppointmentWithRequest[]>;
  countAppointmentsBetween(from: Date, to: Date): Promise<number>;
  confirm(input: ConfirmInput): Promise<ConfirmResult>;
  decline(requestId: number, reason: string, by: StaffMember, now: Date): Promise<AppointmentRequest | null>;
  propose(requestId: number, startsAt: Date, practitionerId: string, by: StaffMember, now: Date): Promise<AppointmentRequest | null>;
  /** The patient withdraws a request (or turns down a proposed time). */
  withdrawRequest(requestId: number, userId: number | bigint, now: Date): Promise<AppointmentRequest | null>;
  /** Frees the slot; null when the appointment was not confirmed (already cancelled, completed...). */
  cancelAppointment(appointmentId: number, by: string, now: Date): Promise<AppointmentWithRequest | null>;
  /**
   * confirmed → completed | no-show, only once the appointment has begun (startsAt <= now), and frees
   * its cells; null when it was not confirmed or has not begun.
   */
  recordOutcome(appointmentId: number, outcome: AppointmentOutcome, by: string, now: Date): Promise<AppointmentWithRequest | null>;
  /**
   * completed | no-show → confirmed, for an outcome recorded at or after `since`, taking its cells
   * back: "taken" (and nothing changes) when another appointment holds any of them meanwhile.
   */
  undoOutcome(appointmentId: number, since: Date): Promise<"undone" | "not-marked" | "taken">;
  /** Confirmed appointments that began in [since, before) with no outcome recorded, oldest first. */
  awaitingOutcome(since: Date, before: Date): Promise<AppointmentWithRequest[]>;
  setAttendance(appointmentId: number, attendance: "attending" | "reschedule"): Promise<boolean>;
  /** Requests waiting since before `before` that staff were not yet reminded of. */
  staleRequests(before: Date): Promise<AppointmentRequest[]>;
  /** True for the one caller that gets to send the stale-request reminders. */
  markStaleNotified(requestId: number, now: Date): Promise<boolean>;
  addToWaitlist(entry: NewWaitlistEntry): Promise<WaitlistEntry>;
  waitingFor(serviceId: string, date: string): Promise<WaitlistEntry[]>;
  findWaitlistEntry(id: number): Promise<WaitlistEntry | null>;
  /** The patient's entries still waiting (joins are bounded). */
  countWaiting(userId: number | bigint): Promise<number>;
  /** Records a freed time offered to an entry (once per entry and time), so that only it can be accepted. */
  recordOffer(entryId: number, slot: { practitionerId: string; startsAt: Date }): Promise<WaitlistOffer>;
  findOffer(id: number): Promise<(WaitlistOffer & { entry: WaitlistEntry }) | null>;
  /** offered → taken, once. */
  markOfferTaken(id: number): Promise<boolean>;
  /** waiting → booked | cancelled, once. */
  closeWaitlistEntry(id: number, status: "booked" | "cancelled"): Promise<boolean>;
}

/** Cells are five minutes of real time, aligned on the epoch: every slot grid the clinic can configure lands on them. */
const CELL_MS = 5 * 60_000;

export function cellsOf(startsAt: Date, endsAt: Date): Date[] {
  const cells: Date[] = [];
  for (let cell = Math.floor(startsAt.getTime() / CELL_MS) * CELL_MS; cell < endsAt.getTime(); cell += CELL_MS) cells.push(new Date(cell));
  return cells;
}

class Handled extends Error {}
class OverLimit extends Error {}

export function createAppointmentRepository(db: Db): AppointmentRepository {
  const findRequest = (id: number) => db.appointmentRequest.findUnique({ where: { id } });

  return {
    createRequest: (input) =>
      db.appointmentRequest.create({
        data: {
          userId: BigInt(input.userId),
          chatId: BigInt(input.chatId),
          serviceId: input.serviceId,
          practitionerId: input.practitionerId,
          anyPractitioner: input.anyPractitioner,
          startsAt: input.startsAt,
          endsAt: input.endsAt,
          patientName: input.patientName,
          phone: input.phone,
          directBilling: input.directBilling,
          insurer: input.insurer,
          billingNote: input.billingNote,
          note: input.note,
          redFlags: input.redFlags.length > 0 ? input.redFlags.join(",") : null,
          language: input.language,
          replacesAppointmentId: input.replacesAppointmentId ?? null,
          createdAt: input.createdAt,
        },
      }),

    findRequest,
    findAppointment: (id) => db.appointment.findUnique({ where: { id }, include: { request: true } }),
    findAppointmentOfRequest: (requestId) => db.appointment.findUnique({ where: { requestId } }),

    async countUpcoming(userId, now) {
      const id = BigInt(userId);
      // One statement for both counts (every /book asks it): open requests, and confirmed appointments ahead.
      const [row] = await db.$queryRaw<Array<{ requests: number | bigint; appointments: number | bigint }>>`
        SELECT (SELECT COUNT(*) FROM appointment_requests WHERE user_id = ${id} AND status IN ('requested', 'proposed')) AS requests,
          (SELECT COUNT(*) FROM appointments WHERE user_id = ${id} AND status = 'confirmed' AND starts_at > ${now}) AS appointments`;
      return Number(row?.requests ?? 0) + Number(row?.appointments ?? 0);
    },

    async lastDetailsOf(userId) {
      const row = await db.appointmentRequest.findFirst({
        where: { userId: BigInt(userId), phone: { not: null }, patientName: { not: null } },
        orderBy: { id: "desc" },
        select: { patientName: true, phone: true },
      });
      return row?.phone && row.patientName ? { patientName: row.patientName, phone: row.phone } : null;
    },

    async upcomingOf(userId, now) {
      const id = BigInt(userId);
      const [requests, appointments] = await Promise.all([
        db.appointmentRequest.findMany({ where: { userId: id, status: { in: ["requested", "proposed"] } }, orderBy: { startsAt: "asc" } }),
        db.appointment.findMany({
          where: { userId: id, status: "confirmed", startsAt: { gt: now } },
          include: { request: true },
          orderBy: { startsAt: "asc" },
        }),
      ]);
      return { requests, appointments };
    },

    pendingRequests: (limit = 30) =>
      db.appointmentRequest.findMany({ where: { status: { in: ["requested", "proposed"] } }, orderBy: { createdAt: "asc" }, take: limit }),
    openRequestsBetween: (from, to) =>
      db.appointmentRequest.findMany({
        where: {
          status: { in: ["requested", "proposed"] },
          OR: [{ startsAt: { gte: from, lt: to } }, { proposedStartsAt: { gte: from, lt: to } }],
        },
        orderBy: { startsAt: "asc" },
      }),
    countPending: () => db.appointmentRequest.count({ where: { status: { in: ["requested", "proposed"] } } }),

    async busyBetween(from, to) {
      const rows = await db.appointment.findMany({
        where: { status: "confirmed", startsAt: { lt: to }, endsAt: { gt: from } },
        select: { practitionerId: true, startsAt: true, endsAt: true },
      });
      return rows.map((row) => ({ practitionerId: row.practitionerId, start: row.startsAt, end: row.endsAt }));
    },

    appointmentsBetween: (from, to) =>
      db.appointment.findMany({
        where: { startsAt: { gte: from, lt: to }, status: { not: "cancelled" } },
        include: { request: true },
        orderBy: [{ startsAt: "asc" }, { practitionerId: "asc" }],
      }),
    countAppointmentsBetween: (from, to) => db.appointment.count({ where: { startsAt: { gte: from, lt: to }, status: { not: "cancelled" } } }),

    async confirm(input) {
      try {
        return await db.$transaction(async (tx) => {
          const claimed = await tx.appointmentRequest.updateMany({
            where: { id: input.requestId, status: { in: input.from } },
            data: {
              status: "confirmed",
              startsAt: input.startsAt,
              endsAt: input.endsAt,
              practitionerId: input.practitionerId,
              handledById: input.by ? (input.by.id === null ? null : BigInt(input.by.id)) : undefined,
              handledByName: input.by?.name,
              handledAt: input.now,
            },
          });
          if (claimed.count === 0) throw new Handled();
          const request = (await tx.appointmentRequest.findUnique({ where: { id: input.requestId } }))!;

          // A reschedule frees the old time first: the new one may overlap it.
          let replaced: Appointment | null = null;
          if (request.replacesAppointmentId !== null) {
            const old = await tx.appointment.updateMany({
              // Only the patient's own appointment can be replaced.
              where: { id: request.replacesAppointmentId, status: "confirmed", userId: request.userId },
              data: { status: "cancelled", cancelledAt: input.now, cancelledBy: "rescheduled" },
            });
            if (old.count > 0) {
              await tx.appointmentSlot.deleteMany({ where: { appointmentId: request.replacesAppointmentId } });
              replaced = await tx.appointment.findUnique({ where: { id: request.replacesAppointmentId } });
            }
          }

          if (request.userId !== null) {
            // Serialises one patient's confirmations (a row lock on PostgreSQL): two at once cannot both pass the count.
            await tx.user.updateMany({ where: { id: request.userId }, data: { updatedAt: input.now } });
            const upcoming = await tx.appointment.count({ where: { userId: request.userId, status: "confirmed", startsAt: { gt: input.now } } });
            if (upcoming >= input.maxUpcoming) throw new OverLimit();
          }

          const appointment = await tx.appointment.create({
            data: {
              requestId: request.id,
              userId: request.userId,
              chatId: request.chatId,
              serviceId: request.serviceId,
              practitionerId: input.practitionerId,
              startsAt: input.startsAt,
              endsAt: input.endsAt,
            },
          });
          // The guarantee against double booking: a cell already held makes this insert, and the whole transaction, fail.
          await tx.appointmentSlot.createMany({
            data: cellsOf(input.startsAt, input.endsAt).map((cellStart) => ({
              practitionerId: input.practitionerId,
              cellStart,
              appointmentId: appointment.id,
            })),
          });
          return { ok: true as const, appointment, request, replaced };
        });
      } catch (error) {
        if (error instanceof Handled) return { ok: false, reason: "handled", request: await findRequest(input.requestId) };
        if (error instanceof OverLimit) return { ok: false, reason: "limit" };
        if (isUniqueViolation(error)) return { ok: false, reason: "taken" };
        throw error;
      }
    },

    async decline(requestId, reason, by, now) {
      const changed = await db.appointmentRequest.updateMany({
        where: { id: requestId, status: { in: ["requested", "proposed"] } },
        data: { status: "declined", declineReason: reason, handledById: BigInt(by.id), handledByName: by.name, handledAt: now },
      });
      return changed.count > 0 ? findRequest(requestId) : null;
    },

    async propose(requestId, startsAt, practitionerId, by, now) {
      const changed = await db.appointmentRequest.updateMany({
        where: { id: requestId, status: "requested" },
        data: {
          status: "proposed",
          proposedStartsAt: startsAt,
          proposedPractitionerId: practitionerId,
          handledById: BigInt(by.id),
          handledByName: by.name,
          handledAt: now,
        },
      });
      return changed.count > 0 ? findRequest(requestId) : null;
    },

    async withdrawRequest(requestId, userId, now) {
      const changed = await db.appointmentRequest.updateMany({
        where: { id: requestId, userId: BigInt(userId), status: { in: ["requested", "proposed"] } },
        data: { status: "cancelled", handledAt: now },
      });
      return changed.count > 0 ? findRequest(requestId) : null;
    },

    async cancelAppointment(appointmentId, by, now) {
      return db.$transaction(async (tx) => {
        const changed = await tx.appointment.updateMany({
          where: { id: appointmentId, status: "confirmed" },
          data: { status: "cancelled", cancelledAt: now, cancelledBy: by },
        });
        if (changed.count === 0) return null;
        await tx.appointmentSlot.deleteMany({ where: { appointmentId } });
        return tx.appointment.findUnique({ where: { id: appointmentId }, include: { request: true } });
      });
    },

    async recordOutcome(appointmentId, outcome, by, now) {
      return db.$transaction(async (tx) => {
        const changed = await tx.appointment.updateMany({
          where: { id: appointmentId, status: "confirmed", startsAt: { lte: now } },
          data: { status: outcome, outcomeAt: now, outcomeBy: by },
        });
        if (changed.count === 0) return null;
        await tx.appointmentSlot.deleteMany({ where: { appointmentId } });
        return tx.appointment.findUnique({ where: { id: appointmentId }, include: { request: true } });
      });
    },

    async undoOutcome(appointmentId, since) {
      try {
        return await db.$transaction(async (tx) => {
          const changed = await tx.appointment.updateMany({
            where: { id: appointmentId, status: { in: [...OUTCOMES] }, outcomeAt: { gte: since } },
            data: { status: "confirmed", outcomeAt: null, outcomeBy: null },
          });
          if (changed.count === 0) return "not-marked" as const;
          const appointment = (await tx.appointment.findUnique({ where: { id: appointmentId } }))!;
          // A cell another appointment took meanwhile makes this insert, and the whole undo, fail.
          await tx.appointmentSlot.createMany({
            data: cellsOf(appointment.startsAt, appointment.endsAt).map((cellStart) => ({ practitionerId: appointment.practitionerId, cellStart, appointmentId })),
          });
          return "undone" as const;
        });
      } catch (error) {
        if (isUniqueViolation(error)) return "taken";
        throw error;
      }
    },

    awaitingOutcome: (since, before) =>
      db.appointment.findMany({
        where: { status: "confirmed", startsAt: { gte: since, lt: before } },
        include: { request: true },
        orderBy: [{ startsAt: "asc" }, { practitionerId: "asc" }],
      }),

    async setAttendance(appointmentId, attendance) {
      const changed = await db.appointment.updateMany({ where: { id: appointmentId, status: "confirmed" }, data: { attendance } });
      return changed.count > 0;
    },

    staleRequests: (before) =>
      db.appointmentRequest.findMany({ where: { status: "requested", createdAt: { lt: before }, staleNotifiedAt: null }, orderBy: { createdAt: "asc" } }),

    async markStaleNotified(requestId, now) {
      const changed = await db.appointmentRequest.updateMany({
        where: { id: requestId, status: "requested", staleNotifiedAt: null },
        data: { staleNotifiedAt: now },
      });
      return changed.count > 0;
    },

    addToWaitlist: (entry) =>
      db.waitlistEntry.create({ data: { ...entry, userId: BigInt(entry.userId), chatId: BigInt(entry.chatId) } }),
    waitingFor: (serviceId, date) => db.waitlistEntry.findMany({ where: { serviceId, date, status: "waiting" }, orderBy: { createdAt: "asc" } }),
    findWaitlistEntry: (id) => db.waitlistEntry.findUnique({ where: { id } }),
    countWaiting: (userId) => db.waitlistEntry.count({ where: { userId: BigInt(userId), status: "waiting" } }),
    recordOffer: (entryId, slot) =>
      db.waitlistOffer.upsert({
        where: { entryId_practitionerId_startsAt: { entryId, practitionerId: slot.practitionerId, startsAt: slot.startsAt } },
        create: { entryId, practitionerId: slot.practitionerId, startsAt: slot.startsAt },
        update: {},
      }),
    findOffer: (id) => db.waitlistOffer.findUnique({ where: { id }, include: { entry: true } }),
    async markOfferTaken(id) {
      const changed = await db.waitlistOffer.updateMany({ where: { id, status: "offered" }, data: { status: "taken" } });
      return changed.count > 0;
    },

    async closeWaitlistEntry(id, status) {
      const changed = await db.waitlistEntry.updateMany({ where: { id, status: "waiting" }, data: { status } });
      return changed.count > 0;
    },
  };
}
