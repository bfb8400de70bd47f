import { callbackData } from "../bot/callback-data.js";

/** The staff's buttons on appointment requests and days (src/features/appointment-requests.ts); they work only in the staff chats. */

/** A request's card in the staff chat (queued in the outbox: its data keeps its shape), and the way through proposing another time. */
export const requestCardButtons = callbackData("rq", {
  ok: { requestId: "int" },
  no: { requestId: "int" },
  alt: { requestId: "int" },
  back: { requestId: "int" },
  card: { requestId: "int" },
  pd: { requestId: "int", date: "date" },
  pt: { requestId: "int", minutes: "int", practitionerId: "slug" },
}, { staff: true });

/** /today: marking appointments that have begun completed or no-show, and undoing that for a while. */
export const dayListButtons = callbackData("today", { done: { appointmentId: "int" }, noshow: { appointmentId: "int" }, undo: { appointmentId: "int" } }, { staff: true });
