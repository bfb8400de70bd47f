broadcast-ask-message = Send me the announcement: text (formatting is kept) or a photo with a caption. Send /cancel to stop.
broadcast-unsupported = I can send text or a photo with a caption, not this kind of message. Please send the announcement again.
broadcast-empty = The announcement is empty. Please send some text or a photo with a caption.
broadcast-choose-audience = Who should receive it?
broadcast-audience-everyone = Everyone ({ $count })
broadcast-audience-subscribers = Tip subscribers ({ $count })
broadcast-audience-appointments = Patients with an upcoming appointment ({ $count })
broadcast-audience-lang-en = English speakers ({ $count })
broadcast-audience-lang-fr = French speakers ({ $count })
broadcast-preview-above = ⬆️ This is exactly what { $count } people will receive.
broadcast-preview-language = 🌐 It is written in { $written }: { $count } people in this audience read { $other } and will get this { $written } text as it is. To give them a { $other } version, tap Cancel and send two announcements: this one to { $written } speakers, a { $other } one to { $other } speakers.
broadcast-language-en = English
broadcast-language-fr = French
broadcast-nobody = Nobody is in that audience right now. Please choose another one.
broadcast-button-send = Send to { $count } people
broadcast-button-tomorrow = Schedule for { $when }
broadcast-button-cancel = Cancel
broadcast-cancelled = The announcement was cancelled; nothing was sent.
broadcast-scheduled = Scheduled for { $when } (clinic time). /broadcasts shows it; you can cancel it there until then.
broadcast-already = This announcement was already handled.
broadcast-no-draft = There is no announcement being written. Send /broadcast to start one.
broadcast-progress =
    📣 Announcement #{ $id } to { $total } people
    Sent: { $sent } · Blocked: { $blocked } · Failed: { $failed } · Remaining: { $remaining }
    About { $eta } left.
broadcast-progress-paused =
    ⏸ Announcement #{ $id } is paused.
    Sent: { $sent } · Blocked: { $blocked } · Failed: { $failed } · Remaining: { $remaining }
broadcast-report =
    ✅ Announcement #{ $id } is done in { $duration }.
    Delivered: { $sent } of { $total } · Blocked the bot: { $blocked } · Failed: { $failed }
broadcast-report-cancelled =
    ⏹ Announcement #{ $id } was stopped after { $duration }.
    Delivered: { $sent } of { $total } · Not sent: { $cancelled } · Blocked the bot: { $blocked } · Failed: { $failed }
broadcast-report-unknown = ❔ { $unknown } may not have arrived: the bot stopped while sending them and does not send them again, so that nobody gets the announcement twice. If it matters, phone those patients, or send a short follow-up announcement.
broadcast-report-reasons = Failures:
broadcast-button-pause = ⏸ Pause
broadcast-button-resume = ▶️ Resume
broadcast-button-stop = ⏹ Stop
broadcast-list-empty = No announcements yet.
broadcast-list-item = #{ $id } · { $status } · { $when } · by { $author } · { $sent }/{ $total } delivered, { $blocked } blocked, { $failed } failed, { $unknown } unknown
broadcast-list-title = <b>Recent announcements</b>
stats-text =
    <b>Clinic bot figures</b>
    Patients: { $active } active, { $blocked } blocked the bot
    Tip subscribers: { $subscribers }
    Tips delivered in the last 7 days: { $tips }
    Appointment requests waiting: { $pending }
    Appointments today: { $today } · this week: { $week }
    Recent announcements:
    { $broadcasts }
command-broadcast = Send an announcement to patients
command-broadcasts = Recent announcements and their delivery
command-stats = Figures at a glance
command-cancel = Stop what you are doing
