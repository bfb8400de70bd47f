import { Composer, InlineKeyboard, type Api } from "grammy";
import type { BotContext } from "../bot/context.js";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { Translator } from "../bot/i18n.js";
import { describeError } from "../shared/errors.js";
import { DESK_PATH } from "../desk/desk-http.js";

/**
 * /desk: the staff desk (a Mini App served by the bot at PUBLIC_URL/desk/).
 * In a private chat it answers with a web_app button and puts the desk on
 * the chat's menu button. Telegram offers web_app buttons in private chats
 * only, so in the staff group it points to the private chat instead
 * (/start desk). Without PUBLIC_URL it says what to set. Mounted among the
 * staff features, so to anyone but staff /desk is an unknown command.
 */
export const deskFeature = new Composer<BotContext>();

export function deskUrl(config: Pick<Config, "publicUrl">): string | null {
  return config.publicUrl ? `${config.publicUrl}${DESK_PATH}/` : null;
}

deskFeature.command("desk", (ctx) => offerDesk(ctx));

// The private-chat link from the staff group lands here.
deskFeature.chatType("private").command("start", (ctx, next) => (ctx.match.trim() === "desk" ? offerDesk(ctx) : next()));

async function offerDesk(ctx: BotContext): Promise<void> {
  const url = deskUrl(ctx.config);
  if (!url) {
    await ctx.reply(ctx.t("desk-off"));
    return;
  }
  if (ctx.chat?.type !== "private") {
    await ctx.reply(ctx.t("desk-group"), { reply_markup: new InlineKeyboard().url(ctx.t("desk-group-button"), `https://t.me/${ctx.me.username}?start=desk`) });
    return;
  }
  await setDeskMenuButton(ctx.api, ctx.chat.id, url, ctx.t("desk-menu-button")).catch((error: unknown) =>
    ctx.logger.warn({ err: describeError(error) }, "could not set the desk menu button"),
  );
  await ctx.reply(ctx.t("desk-open"), { reply_markup: new InlineKeyboard().webApp(ctx.t("desk-button"), url) });
}

function setDeskMenuButton(api: Api, chatId: number, url: string, text: string) {
  return api.setChatMenuButton({ chat_id: chatId, menu_button: { type: "web_app", text, web_app: { url } } });
}

/**
 * At start: the desk on the menu button of each staff member's private chat
 * (and of the staff chat when it is one). Group chats have no menu button of
 * their own. A chat the bot cannot reach yet (a staff member who never
 * opened it) is skipped; /desk sets it later.
 */
export async function registerDeskMenuButtons(api: Api, config: Config, i18n: Translator, language: string, logger: Logger): Promise<void> {
  const url = deskUrl(config);
  if (!url) return;
  const chats = new Set([...config.staffIds, ...(config.staffChatId !== undefined && config.staffChatId > 0 ? [config.staffChatId] : [])]);
  const results = await Promise.allSettled([...chats].map((chatId) => setDeskMenuButton(api, chatId, url, i18n.t(language, "desk-menu-button"))));
  const failed = results.filter((result) => result.status === "rejected").length;
  if (failed > 0) logger.warn({ failed, of: chats.size }, "could not put the desk on some staff chats' menu button; /desk there sets it");
}
