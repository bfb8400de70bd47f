import type { MiddlewareFn } from "grammy";
import type { BotContext } from "./context.js";

/**
 * Each update is handled once, by its update_id, however often it arrives:
 * Telegram posts a webhook update again when the first post got no timely
 * answer (behind a load balancer the copy may reach another instance), and
 * long polling hands out again the updates whose offset it had not learnt when
 * the bot stopped. The id is recorded in the database (one statement) before
 * anything else is done with the update; a copy finds it there and is dropped,
 * and its HTTP post is answered 200 like any other.
 *
 * Recording comes first on purpose: should the process die between the record
 * and the end of the handling, the update is not handled again (at most once).
 * For a clinic a lost tap costs the patient one more tap; a button, a booking
 * step or a relayed message acted on twice cannot be taken back.
 */
export const oncePerUpdate: MiddlewareFn<BotContext> = async (ctx, next) => {
  const { deps } = ctx;
  if (!(await deps.processedUpdates.claim(ctx.update.update_id, deps.now()))) {
    deps.metrics?.repeatedUpdates.inc();
    ctx.logger.info("update delivered again; already taken on, dropped");
    return;
  }
  await next();
};
