import { BOOKING_WAIT_LIMIT_MS } from "../booking/booking-deps.js";
import type { Logger } from "../logger.js";
import type { PersonalDataRepository } from "./personal-data-repository.js";

/**
 * A booking left half-way holds the patient's name, phone number and note in
 * the session store. Once its wait limit has passed it can no longer be
 * resumed, so it is deleted then, without waiting for the patient to write
 * again (which they may never do).
 */
export async function expireAbandonedBookings(deps: { personalData: PersonalDataRepository; logger: Logger }, now: Date): Promise<number> {
  const deleted = await deps.personalData.deleteConversationsIdleSince(new Date(now.getTime() - BOOKING_WAIT_LIMIT_MS));
  if (deleted > 0) deps.logger.info({ deleted }, "deleted bookings left half-way past their wait limit");
  return deleted;
}
