import { callbackData } from "../../bot/callback-data.js";

/** The booking feature's buttons. */

/** /book from a button (start, /appointments, a proposal that is gone). */
export const bookButtons = callbackData("book", { open: {} });

/** The steps of one booking conversation; `run` ties a button to the booking that showed it. */
export const bookingStepButtons = callbackData("bk", { step: { run: "token", action: "token", value: "word" } });
