/**
 * The project's Bot API peer: an in-process Telegram Bot API that the tests,
 * the benchmark and the sandbox (`npm run sandbox`) all talk to.
 */
export { BotApiSimulator } from "./simulator.js";
export type { PeerEvent, PeerListener } from "./chats.js";
export { buttonsOf } from "./markup.js";
export { UploadedFile } from "./requests.js";
export {
  EDIT_METHODS,
  OUTGOING_METHODS,
  SEND_METHODS,
  STRICT_FLOOD_CONTROL,
  type ApiParams,
  type ApiResponse,
  type BotApiSimulatorOptions,
  type ButtonInfo,
  type LatencyRange,
  type ResolvedSimulatorOptions,
  type SimulatorCall,
  type SimulatorStats,
  type WebhookDelivery,
} from "./options.js";
