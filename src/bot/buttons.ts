import { callbackData } from "./callback-data.js";
import { LANGUAGES } from "../clinic/clinic-profile.js";
import { AUDIENCES } from "../broadcast/broadcast-repository.js";

/**
 * Every button the bot sends, one codec per feature, each with a prefix of
 * its own. A feature builds and reads its buttons only through its codec.
 * Buttons of messages queued in the outbox (reminders, proposals, waitlist
 * offers, staff cards) keep their shape across releases: a queued message is
 * sent with the data it was written with.
 */

// --- Patients --------------------------------------------------------------

/** /book from a button (start, /appointments). */
export const bookButtons = callbackData("book", { open: {} });

/** The steps of one booking conversation; `run` ties a button to the booking that showed it. */
export const bookingStepButtons = callbackData("bk", { step: { run: "token", action: "token", value: "word" } });

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

export const tipsButtons = callbackData("tips", {
  open: {},
  choose: {},
  zones: {},
  undo: {},
  day: { weekday: "int" },
  at: { weekday: "int", hour: "int" },
  tz: { zone: "zone" },
});

export const languageButtons = callbackData("language", { choose: { language: LANGUAGES } });

export const privacyButtons = callbackData("privacy", { forget: {}, keep: {} });

// --- Staff -----------------------------------------------------------------

/** A request's card in the staff chat, and the way through proposing another time. */
export const requestCardButtons = callbackData("rq", {
  ok: { requestId: "int" },
  no: { requestId: "int" },
  alt: { requestId: "int" },
  back: { requestId: "int" },
  card: { requestId: "int" },
  pd: { requestId: "int", date: "date" },
  pt: { requestId: "int", minutes: "int", practitionerId: "slug" },
});

/** /today: marking a day's appointments completed or no-show. */
export const dayListButtons = callbackData("today", { done: { appointmentId: "int" }, noshow: { appointmentId: "int" } });

export const broadcastButtons = callbackData("bc", {
  aud: { broadcastId: "int", audience: AUDIENCES },
  send: { broadcastId: "int" },
  at: { broadcastId: "int", minutes: "int" },
  drop: { broadcastId: "int" },
  pause: { broadcastId: "int" },
  resume: { broadcastId: "int" },
  stop: { broadcastId: "int" },
});

/** Review of the clinic's blog articles: a draft's preview (Publish, Skip) and /articles (Publish, Unpublish). */
export const blogReviewButtons = callbackData("blog", {
  publish: { articleId: "int" },
  skip: { articleId: "int" },
  unpublish: { articleId: "int" },
});

/** The codecs of staff features: their buttons do nothing outside the staff chats. */
export const STAFF_BUTTONS = [requestCardButtons, dayListButtons, broadcastButtons, blogReviewButtons] as const;
