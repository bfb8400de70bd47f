error-apology = Sorry, something went wrong on our side. Please try again in a moment; if it keeps happening, call the clinic.
menu-inactive = This menu is no longer active. Send /help to see what you can do.
unknown-command = I don't know that command. Send /help to see what I can do.
unknown-message = I'm the clinic's assistant and I answer commands. Send /help to see what I can do, or call the clinic for anything else.
hours-closed = closed

start-greeting =
    Hello, { $name }! Welcome to <b>{ $clinic }</b>.

    Here you can:
    • get a short back-care tip from our practitioners every week
    • ask for an appointment and manage your visits
    • reach the clinic's phone, address and hours

    Send /help for the full list of commands.

help-patient =
    <b>What I can do</b>
    /start — welcome and main menu
    /help — this list
    /book — ask for an appointment
    /appointments — your appointments: cancel or reschedule
    /subscribe — a back-care tip every week, on the day and hour you choose
    /settings — change the day, hour or time zone of your tips
    /tip — a tip right now
    /timezone — set your time zone
    /unsubscribe — stop the weekly tips
    /language — English or French
    /privacy — what we keep about you, and why
    /mydata — a copy of your data
    /forget — erase your data
help-staff =
    <b>Staff</b>
    /requests — appointment requests waiting
    /today — today's appointments (or /today YYYY-MM-DD)
    /broadcast — send an announcement to patients
    /broadcasts — recent announcements, their delivery, pause or stop
    /stats — figures at a glance
    /cancel — stop writing an announcement
    /desk — the staff desk: the week, requests, calendar feeds
    /articles — blog articles: review, publish, unpublish
help-contact =
    <b>{ $clinic }</b>
    { $address }
    Phone: { $phone }

    <b>Opening hours</b>
    { $hours }

command-start = Welcome and main menu
command-help = Commands and clinic contact
flood-slow-down = You are sending messages very quickly, so I will pause for a few seconds. Please wait a moment, then try again.
