## Asking for an appointment (/book)
booking-button-book = 📅 Book an appointment
booking-button-cancel = ✖ Cancel
booking-limit = You already have { $max } appointments or requests coming up, the most we can hold for one person. Send /appointments to see or change them, or call the clinic.
booking-old-step = Please use the buttons of the latest message.
booking-use-buttons = Please choose with the buttons above, or send /cancel to stop.
booking-send-text = Please type your answer as a message, or send /cancel to stop.
booking-cancelled = No problem, nothing was booked. Send /book whenever you like.
booking-choose-service = What would you like to book?
booking-choose-practitioner = With whom?
booking-button-no-preference = No preference
booking-no-days = Sorry, there is no free time for this in the next { $days } days. Please call the clinic at { $phone } and we will find a time together.
booking-choose-day = Which day? (Only days with free times are shown.)
booking-day-full = Sorry, that day has just filled up. Please choose another one.
booking-choose-time = Free times on { $day }, in the clinic's time ({ $zone }):
booking-button-other-day = « Another day
booking-button-waitlist = None of these suit me: put me on the waitlist for this day
booking-time-unavailable = That time is not free. Please choose one of the times above.
booking-date-past = That date has already passed. Please choose one of the days above.
booking-date-unavailable = There is no free time on that date. Please choose one of the days above.
booking-ask-name = What name should the clinic use for the appointment? Tap to use <b>{ $name }</b>, or type the name.
booking-button-use-name = Use “{ $name }”
booking-too-long = That is a bit long: { $max } characters at most, please.
booking-name-invalid = Please type a name with letters in it.
booking-consent =
    To ask for an appointment, we need to keep your phone number (and your insurer, if you want us to bill them directly) so the clinic can reach you.

    { $policy }

    Do you agree?
booking-button-consent-yes = I agree
booking-button-consent-no = No, thank you
booking-consent-declined = Understood, nothing was kept. You can book by phone at { $phone }.
booking-ask-phone = What phone number can the clinic reach you at? Tap the button below to share your Telegram number, or type it (for example 613 555 0123). Send /cancel to stop.
booking-button-share-phone = 📱 Share my phone number
booking-phone-not-own = Please share your own number, or type it.
booking-phone-invalid = That doesn't look like a phone number. Please type it with the area code, for example 613 555 0123.
booking-phone-saved = Thank you, we will call { $phone } if needed.
booking-button-skip = Skip
booking-ask-billing = Would you like us to bill your insurance directly?
booking-button-yes = Yes
booking-button-no = No
booking-ask-insurer = Which insurance company?
booking-ask-billing-note = Anything else we need for billing (for example, the plan is through your spouse)? Or tap Skip. Please do not send card or policy numbers here; bring your card to the visit.
booking-ask-note = Anything the practitioner should know (where it hurts, since when)? Or tap Skip.
booking-summary =
    <b>Please check your request</b>
    Service: { $service }
    With: { $practitioner }
    When: { $when } (clinic time, { $zone })
    Name: { $name }
    Phone: { $phone }
    Direct billing: { $billing }
    Note: { $note }
booking-summary-billing-yes = yes, { $insurer }
booking-summary-billing-no = no
booking-button-confirm-request = ✅ Send my request
booking-button-change = ✏️ Change something
booking-change-what = What would you like to change?
booking-change-time = Service, day and time
booking-change-name = Name
booking-change-phone = Phone
booking-change-billing = Direct billing
booking-change-note = Note
booking-requested =
    Your request is sent. Your reference: { $reference }.
    The clinic will confirm it here, usually within { $hours } hours during opening hours. You will get the confirmation with a calendar file. /appointments shows your requests.
booking-slot-gone = Sorry, that time was taken a moment ago. Please choose another one.
booking-reschedule-intro = Let's find a new time for { $appointment }. Your current appointment stays booked until the clinic confirms the new one.
booking-reschedule-gone = This appointment can no longer be moved here. Send /appointments to see where things stand.
booking-waitlist-added = You are on the waitlist for { $day }. If a time frees up that day, I will message you; the first person to accept gets it.
booking-slot-line = { $service } with { $practitioner } ({ $when })

## Staff card
booking-card-title = 🗓 <b>Request { $reference }</b> · { $status }
booking-card-patient = Patient: { $name } (Telegram id { $userId })
booking-card-erased = details erased at the patient's request
booking-card-phone = Phone: { $phone }
booking-card-service = Service: { $service }
booking-card-practitioner = Practitioner: { $practitioner }
booking-card-practitioner-any = Practitioner: { $practitioner } (no preference)
booking-card-when = When: { $when } (clinic time)
booking-card-billing-yes = Direct billing: yes, { $insurer }
booking-card-billing-yes-note = Direct billing: yes, { $insurer } · { $note }
booking-card-insurer-missing = insurer not given
booking-card-billing-no = Direct billing: no
booking-card-note = Note: { $note }
booking-card-red-flags = ⚠️ <b>Red flags in the note: { $flags }.</b> The patient was advised to seek urgent care; please call them.
booking-card-reschedule = ↪ Moves appointment #{ $appointment } (cancelled when this one is confirmed)
booking-card-proposed = ⏳ { $by } proposed { $when } with { $practitioner }; waiting for the patient.
booking-card-confirmed = ✅ Confirmed by { $by }
booking-card-patient-self = the patient (accepted the proposed time)
booking-card-declined = ❌ Declined by { $by }: { $reason }
booking-card-withdrawn = ↩ Withdrawn by the patient
booking-card-appointment-cancelled = 🚫 Appointment cancelled ({ $by })
booking-card-attendance-attending = 👍 Patient answered the reminder: will be there
booking-card-attendance-reschedule = 🔁 Patient answered the reminder: needs to reschedule
booking-status-requested = waiting
booking-status-proposed = other time proposed
booking-status-confirmed = confirmed
booking-status-declined = declined
booking-status-cancelled = cancelled
booking-status-completed = completed
booking-status-no-show = no-show
booking-button-confirm = ✅ Confirm
booking-button-decline = ❌ Decline
booking-button-propose = 🕑 Propose another time

## Staff actions
booking-staff-confirmed = Confirmed; the patient is notified.
booking-staff-taken = That time is no longer free. Propose another time instead.
booking-staff-already = Already handled by { $by }.
booking-decline-ask = ✍️ Why is request { $reference } declined? Reply to this message with the reason; the patient will read it.
booking-decline-placeholder = Reason for the patient
booking-staff-declined = Request { $reference } declined; the patient has the reason.
booking-staff-no-days = No free day in the booking horizon for this service.
booking-staff-proposed = Proposed; waiting for the patient's answer.
booking-requests-title = <b>Requests waiting: { $count }</b>
booking-requests-item = { $reference } · { $name } · { $appointment } · waiting { $hours } h
booking-requests-item-proposed = { $reference } · { $name } · { $appointment } · other time proposed, waiting for the patient
booking-requests-none = No request is waiting. 🎉
booking-today-title = <b>Appointments on { $day }: { $count }</b>
booking-today-item = { $time } · { $practitioner } · { $name } ({ $phone }) · { $service } · { $reference } · { $status }
booking-today-hint = Once an appointment has begun, ✓ marks it completed and ✗ a no-show; ↩ undoes that for 24 hours. /today 2026-12-01 shows another day.
booking-today-awaiting = <b>Earlier appointments with no outcome yet: { $count }</b>
booking-today-awaiting-item = { $day } { $time } · { $practitioner } · { $name } ({ $phone }) · { $reference }
booking-today-more = …and { $count } more, on the staff desk.
booking-outcome-done = { $reference } · { $name } · { $day } { $time }: marked { $status } by { $by }.
booking-outcome-undo-button = ↩ Undo
booking-outcome-not-started = { $reference } begins on { $day } at { $time }: its outcome can be recorded once it has begun.
booking-outcome-already = { $reference } is already { $status } ({ $by }).
booking-outcome-gone = This appointment no longer exists.
booking-outcome-undone = Undone: { $reference } is confirmed again and keeps its time.
booking-outcome-undo-expired = Too late to undo: an outcome can be undone for 24 hours.
booking-outcome-undo-taken = Not undone: its time was booked for someone else meanwhile. The outcome stays.
booking-outcome-undo-nothing = Nothing to undo: { $reference } is { $status }.
booking-today-bad-date = Please write the date as YYYY-MM-DD, for example /today 2026-12-01.
booking-marked-completed = Marked completed.
booking-marked-no-show = Marked as a no-show.
booking-stale-staff = ⏰ Request { $reference } from { $name } ({ $phone }) has waited more than { $hours } hours. The patient was told the clinic will call.
booking-cancelled-staff = 🚫 { $name } cancelled { $appointment } (request { $reference }, { $by }). The time is free again.
booking-withdrawn-staff = ↩ { $name } withdrew request { $reference }.
booking-proposal-refused-staff = ↩ { $name } turned down the time proposed for request { $reference }.
booking-waitlist-by = the waitlist

## Messages to the patient
booking-confirmed-patient =
    ✅ Your appointment is confirmed: { $appointment }.
    Reference { $reference }. Address: { $address }.
    A calendar file follows. Send /appointments to cancel or reschedule.
booking-declined-patient = Sorry, the clinic could not accept request { $reference }: { $reason }. Send /book to choose another time, or call { $phone }.
booking-proposed-patient = About request { $reference }: { $requested } is not possible, but the clinic can offer { $appointment }. Does that suit you?
booking-button-accept = ✅ Yes, book it
booking-button-refuse = ✖ No, thank you
booking-cancelled-patient = Your appointment { $appointment } is cancelled. Open the attached file to remove it from your calendar.
booking-reminder-day = Reminder: tomorrow you have { $appointment }.
booking-reminder-soon = Reminder: in { $hours } hours you have { $appointment }.
booking-button-attending = 👍 I'll be there
booking-button-need-reschedule = 🔁 I need to reschedule
booking-stale-patient = Your request { $reference } is taking longer than usual. The clinic will call you; you can also call { $phone }.
booking-waitlist-offer = A time has freed up: { $appointment }. Would you like it? The first person to accept gets it.
booking-button-take-slot = ✅ Yes, I'll take it
booking-button-leave-waitlist = Leave the waitlist for this day
booking-waitlist-taken = It's yours! Reference { $reference }. The confirmation with a calendar file follows.
booking-waitlist-too-late = Sorry, someone took that time just before you. You stay on the waitlist for that day.
booking-waitlist-left = You are off the waitlist for that day.
booking-calendar-caption = 📅 Your appointment, to add to your calendar.
booking-ics-description = With { $practitioner }. To cancel or reschedule, use the clinic's Telegram bot or call { $phone }.

## /appointments
appointments-title = Your appointments and requests:
appointments-none = You have no appointment or request coming up.
appointments-item = ✅ { $reference }: { $appointment }
appointments-item-requested = ⏳ { $reference }: { $appointment } (waiting for the clinic)
appointments-item-proposed = ❓ { $reference }: { $appointment } (the clinic proposed another time; see its message)
appointments-policy = To cancel less than { $hours } hours before, please call the clinic.
appointments-button-cancel = Cancel
appointments-button-reschedule = Move
appointments-cancel-sure = Cancel { $appointment }?
appointments-button-cancel-yes = Yes, cancel it
appointments-button-keep = No, keep it
appointments-cancelled = Your appointment is cancelled and the clinic is told. A calendar file to remove it follows.
appointments-kept = Good, your appointment stays as it is.
appointments-late = It is less than { $hours } hours before your appointment, so it can't be changed here. Please call the clinic at { $phone }; a late cancellation may be charged.
appointments-request-withdrawn = Request { $reference } is withdrawn.
appointments-proposal-refused = Understood; request { $reference } is closed. Send /book to choose another time.
appointments-proposal-accepted = Booked! Request { $reference } is confirmed; the confirmation with a calendar file follows.
appointments-proposal-gone = Sorry, that time was taken meanwhile. Please choose another one.
appointments-see-you = Thank you, see you then!

command-book = Ask for an appointment
command-appointments = Your appointments: cancel or reschedule
command-requests = Appointment requests waiting
command-today = Today's appointments (or /today YYYY-MM-DD)
booking-waitlist-limit = You are already waiting for { $max } days, the most the waitlist holds for one person. Send /book to choose a free time, or call the clinic at { $phone }.
booking-staff-limit = This patient already has as many appointments coming up as the clinic allows. Decline or propose instead, or ask them to cancel one.
booking-rescheduled-calendar-caption = This removes your previous appointment ({ $appointment }) from your calendar: the new one replaces it.
