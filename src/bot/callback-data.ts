/**
 * Callback data, typed: each feature declares its buttons once, as a prefix
 * and the fields of each action, and builds (`data`) and reads (`parse`,
 * `filter`) them through that one codec. Anything from Telegram is untrusted:
 * data that does not have exactly one declared shape parses to null.
 *
 * Each feature declares its codec next to itself (src/features/*-buttons.ts,
 * or in the feature file when no other module builds its buttons). Prefixes
 * are unique across the bot: declaring a second codec with a prefix already
 * taken throws when the module loads (and src/features/buttons.test.ts checks
 * every declaration in the sources). A staff feature's codec says so
 * (`{ staff: true }`): its buttons do nothing outside the staff chats.
 *
 *   const buttons = callbackData("demo", { cancel: { appointmentId: "int" } });
 *   buttons.data("cancel", { appointmentId: 7 })   // "demo:cancel:7"
 *   composer.callbackQuery(buttons.filter("cancel"), (ctx) => buttons.parse("cancel", ctx.callbackQuery.data))
 */

/** What a field may hold. A list is a closed set of words (which may contain ":"). */
export type FieldKind = "int" | "slug" | "date" | "token" | "zone" | "word" | readonly string[];

const PATTERNS: Record<Exclude<FieldKind, readonly string[]>, string> = {
  int: "\\d{1,15}",
  slug: "[a-z0-9-]{1,48}",
  date: "\\d{4}-\\d{2}-\\d{2}",
  token: "[A-Za-z0-9_-]{1,24}",
  zone: "[A-Za-z_]{1,32}/[A-Za-z_]{1,32}",
  word: "[^:]{0,48}",
};

type ValueOf<K extends FieldKind> = K extends "int" ? number : K extends readonly (infer Word)[] ? Word : string;
export type Fields = Record<string, FieldKind>;
export type Values<F extends Fields> = { [Name in keyof F]: ValueOf<F[Name]> };

/** Telegram refuses callback data longer than this many bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

export interface CallbackCodec<A extends Record<string, Fields>> {
  readonly prefix: string;
  /** Buttons of a staff feature (they do nothing outside the staff chats). */
  readonly staff: boolean;
  /** The actions and their fields, as declared (tests press every shape). */
  readonly actions: { readonly [Action in keyof A]: A[Action] };
  /** The data of one button. Throws if a value does not fit its field (a bug, not input). */
  data<Action extends keyof A & string>(action: Action, ...values: keyof A[Action] extends never ? [] : [Values<A[Action]>]): string;
  /** A pattern matching exactly this action's shape, for `composer.callbackQuery`. */
  filter(action: keyof A & string): RegExp;
  /** This action's values, or null when the data has another shape. */
  parse<Action extends keyof A & string>(action: Action, data: string | undefined): Values<A[Action]> | null;
  /** Whether the data belongs to this codec at all (any action, even malformed). */
  owns(data: string | undefined): boolean;
}

const registry = new Map<string, CallbackCodec<Record<string, Fields>>>();

export function callbackData<const A extends Record<string, Fields>>(prefix: string, actions: A, options: { staff?: boolean } = {}): CallbackCodec<A> {
  if (!/^[a-z]{1,12}$/.test(prefix)) throw new Error(`callback prefix "${prefix}" must be 1-12 lowercase letters`);
  if (registry.has(prefix)) throw new Error(`callback prefix "${prefix}" is already used by another feature`);

  const patterns = new Map<string, RegExp>();
  for (const [action, fields] of Object.entries(actions)) {
    if (!/^[a-z][a-z-]{0,15}$/.test(action)) throw new Error(`callback action "${prefix}:${action}" must be lowercase letters and -`);
    const parts = Object.values(fields).map((kind) => `(${typeof kind === "string" ? PATTERNS[kind as keyof typeof PATTERNS] : (kind as readonly string[]).map(escapeRegExp).join("|")})`);
    patterns.set(action, new RegExp(`^${escapeRegExp(prefix)}:${escapeRegExp(action)}${parts.map((part) => `:${part}`).join("")}$`));
  }

  const codec: CallbackCodec<A> = {
    prefix,
    staff: options.staff ?? false,
    actions,
    data(action, ...rest) {
      const values = (rest[0] ?? {}) as Record<string, unknown>;
      const fields = actions[action]!;
      const data = [prefix, action, ...Object.keys(fields).map((name) => String(values[name]))].join(":");
      if (!patterns.get(action)!.test(data)) throw new Error(`callback data "${data}" does not fit ${prefix}:${action}`);
      if (Buffer.byteLength(data) > CALLBACK_DATA_MAX_BYTES) throw new Error(`callback data "${data}" is longer than Telegram allows`);
      return data;
    },
    filter: (action) => patterns.get(action)!,
    parse(action, data) {
      const match = data === undefined ? null : patterns.get(action)!.exec(data);
      if (!match) return null;
      const fields = actions[action]!;
      return Object.fromEntries(
        Object.entries(fields).map(([name, kind], index) => {
          const raw = match[index + 1]!;
          return [name, kind === "int" ? Number(raw) : raw];
        }),
      ) as Values<A[typeof action]>;
    },
    owns: (data) => data !== undefined && data.startsWith(`${prefix}:`),
  };
  registry.set(prefix, codec as unknown as CallbackCodec<Record<string, Fields>>);
  return codec;
}

/** Whether the data belongs to a staff feature's buttons. */
export function isStaffButton(data: string | undefined): boolean {
  return [...registry.values()].some((codec) => codec.staff && codec.owns(data));
}

/** Every codec declared so far (tests enumerate the shapes the bot knows). */
export function allCallbackCodecs(): Array<CallbackCodec<Record<string, Fields>>> {
  return [...registry.values()];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
