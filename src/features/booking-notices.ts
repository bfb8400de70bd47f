import type { ClinicProfile } from "../clinic/clinic-profile.js";
import type { Translator } from "../bot/i18n.js";
import { escapeHtml } from "../shared/html.js";
import type { OutgoingMessage } from "../delivery/outbox.js";
import type { BookingNotice } from "../booking/booking-notices.js";
import { formatReference } from "../booking/reference.js";
import { bookingWording } from "./booking-wording.js";

/**
 * The words and buttons of the booking notices (src/booking/booking-notices.ts
 * decides who gets which, with what): each becomes the message queued in the
 * outbox, in its recipient's language, patient text escaped.
 */
export function bookingNoticeRenderer(i18n: Translator, clinic: ClinicProfile): (notice: BookingNotice, now: Date) => OutgoingMessage {
  const words = bookingWording(i18n, clinic);
  const staff = clinic.defaultLanguage;
  const toStaff = (text: string): OutgoingMessage => ({ method: "sendMessage", params: { text, parse_mode: "HTML" } });
  return (notice) => {
    switch (notice.type) {
      case "request-withdrawn":
        return toStaff(words.t(staff, notice.proposalRefused ? "booking-proposal-refused-staff" : "booking-withdrawn-staff", {
          reference: formatReference(notice.request.id),
          name: escapeHtml(notice.request.patientName ?? "—"),
        }));
      case "appointment-cancelled-staff":
        return toStaff(words.t(staff, "booking-cancelled-staff", {
          reference: formatReference(notice.appointment.requestId),
          name: escapeHtml(notice.appointment.request.patientName ?? "—"),
          appointment: escapeHtml(words.describe(notice.appointment, staff)),
          by: escapeHtml(notice.appointment.cancelledBy ?? "—"),
        }));
    }
  };
}
