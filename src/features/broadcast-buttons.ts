import { callbackData } from "../bot/callback-data.js";
import { AUDIENCES } from "../broadcast/broadcast-repository.js";

/** Staff announcements' buttons: the draft's audience, time and send (src/features/broadcast.ts), and the progress message's pause, resume and stop. */
export const broadcastButtons = callbackData("bc", {
  aud: { broadcastId: "int", audience: AUDIENCES },
  send: { broadcastId: "int" },
  at: { broadcastId: "int", minutes: "int" },
  drop: { broadcastId: "int" },
  pause: { broadcastId: "int" },
  resume: { broadcastId: "int" },
  stop: { broadcastId: "int" },
}, { staff: true });
