import { callbackData } from "../bot/callback-data.js";

/**
 * The patient's buttons on what they booked (src/features/appointments.ts).
 * Proposals, reminders and waitlist offers are queued in the outbox
 * (src/features/booking-notices.ts words them): their data keeps its shape
 * across releases, since a queued message is sent with the data it was
 * written with.
 */

/** The patient's confirmed appointments (/appointments). */
export const appointmentButtons = callbackData("ap", {
  cancel: { appointmentId: "int" },
  "cancel-yes": { appointmentId: "int" },
  keep: { appointmentId: "int" },
  move: { appointmentId: "int" },
});

/** The patient's requests still waiting for staff (/appointments). */
export const openRequestButtons = callbackData("rqp", { cancel: { requestId: "int" }, move: { requestId: "int" } });

/** A time staff proposed instead of the one requested. */
export const proposalButtons = callbackData("pp", { yes: { requestId: "int" }, no: { requestId: "int" } });

/** Answers to an appointment reminder. */
export const reminderButtons = callbackData("rm", { yes: { appointmentId: "int" }, move: { appointmentId: "int" } });

/** A freed time offered from the waitlist (`yes` names the recorded offer), or leaving the waitlist. */
export const waitlistButtons = callbackData("wl", { yes: { offerId: "int" }, no: { entryId: "int" } });
