import { callbackData } from "../bot/callback-data.js";

/** Weekly tips: subscribing, choosing the day, hour and time zone, undoing (src/features/tips.ts, and /start's menu). */
export const tipsButtons = callbackData("tips", {
  open: {},
  choose: {},
  zones: {},
  undo: {},
  day: { weekday: "int" },
  at: { weekday: "int", hour: "int" },
  tz: { zone: "zone" },
});
