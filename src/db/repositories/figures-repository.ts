import type { Db } from "../database.js";

/** The clinic's figures staff read in /stats. */
export interface ClinicFigures {
  /** Patients by status. */
  active: number;
  blocked: number;
  /** Active subscriptions of active patients. */
  subscribers: number;
  /** Tips delivered since `tipsSince`. */
  tips: number;
  /** Appointment requests waiting for staff (requested, or a time proposed). */
  pending: number;
  /** Appointments not cancelled that start within the day / the week. */
  today: number;
  week: number;
}

export interface FiguresRepository {
  /**
   * Every figure in one statement: the same counts as users.countByStatus, tips.countActive,
   * tips.countDeliveredSince, appointments.countPending and appointments.countAppointmentsBetween (a test
   * holds them equal), read together instead of as seven queries, the patients in one pass.
   */
  clinic(input: { tipsSince: Date; day: { start: Date; end: Date }; week: { start: Date; end: Date } }): Promise<ClinicFigures>;
}

export function createFiguresRepository(db: Db): FiguresRepository {
  return {
    async clinic({ tipsSince, day, week }) {
      const [row] = await db.$queryRaw<Array<Record<keyof ClinicFigures, number | bigint | string>>>`
        SELECT patients.active, patients.blocked,
          (SELECT COUNT(*) FROM tip_subscriptions JOIN users AS subscriber ON subscriber.id = tip_subscriptions.user_id
            WHERE tip_subscriptions.active = true AND subscriber.status = 'active') AS subscribers,
          (SELECT COUNT(*) FROM tip_deliveries WHERE delivered_at >= ${tipsSince}) AS tips,
          (SELECT COUNT(*) FROM appointment_requests WHERE status IN ('requested', 'proposed')) AS pending,
          (SELECT COUNT(*) FROM appointments WHERE starts_at >= ${day.start} AND starts_at < ${day.end} AND status <> 'cancelled') AS today,
          (SELECT COUNT(*) FROM appointments WHERE starts_at >= ${week.start} AND starts_at < ${week.end} AND status <> 'cancelled') AS week
        FROM (
          SELECT COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0) AS active,
            COALESCE(SUM(CASE WHEN status = 'blocked' THEN 1 ELSE 0 END), 0) AS blocked
          FROM users
        ) AS patients`;
      const figure = (name: keyof ClinicFigures) => Number(row?.[name] ?? 0);
      return {
        active: figure("active"),
        blocked: figure("blocked"),
        subscribers: figure("subscribers"),
        tips: figure("tips"),
        pending: figure("pending"),
        today: figure("today"),
        week: figure("week"),
      };
    },
  };
}
