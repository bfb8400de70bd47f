privacy-what-we-keep =
    <b>What this bot keeps about you, and why</b>
    • Your Telegram name, id and language: to talk to you and remember your choices.
    • Your tip settings (day, hour, time zone) and which tips you received: so you never get the same tip twice.
    • Messages the bot sent you and whether they arrived: so nothing is lost or sent twice.
    • If you ask for an appointment: your name, phone number and insurance details, only after you agree.

    Send /mydata for a copy of everything, or /forget to erase it.
privacy-nothing-stored = I don't have any personal data about you.
privacy-mydata-caption = Everything this bot keeps about you.
privacy-forget-confirm = This erases your personal data from this bot: your settings, your tip history and anything waiting to be sent to you. Appointments you already had stay in the clinic's records, without your details. Are you sure?
privacy-forget-yes = Yes, erase my data
privacy-forget-no = No, keep it
privacy-forget-kept = Nothing was erased.
privacy-forget-done = Done: your personal data has been erased. If you send /start again, I'll treat you as a new patient.
privacy-staff-erasure = A patient (Telegram id { $userId }) erased their personal data from the bot.
command-privacy = What we keep about you, and why
command-mydata = A copy of your data
command-forget = Erase your data
