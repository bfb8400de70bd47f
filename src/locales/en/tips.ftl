tips-choose-day = Which day of the week would you like your back-care tip?
tips-choose-hour = At what time on { $day }? (your local time)
tips-choose-zone = Which time zone are you in? For another one, send /timezone followed by its name, e.g. /timezone Europe/London.
tips-zone-how = Send /timezone followed by your time zone's name, for example <code>/timezone America/Toronto</code> or <code>/timezone Europe/Paris</code>.
tips-zone-invalid = I don't know the time zone “{ $zone }”. Please use a name like <code>America/Toronto</code>, <code>America/Vancouver</code>, <code>America/Halifax</code> or <code>Europe/London</code>.
tips-zone-saved = Your time zone is now { $zone }.
tips-subscribed =
    You're subscribed! You'll get one tip every { $day } at { $hour } ({ $zone }).
    Your first tip arrives <b>{ $first }</b>.
tips-updated =
    Updated: one tip every { $day } at { $hour } ({ $zone }).
    Next tip: <b>{ $first }</b>.
tips-resubscribed =
    Welcome back! One tip every { $day } at { $hour } ({ $zone }).
    Next tip: <b>{ $first }</b>.
tips-current =
    You get one tip every { $day } at { $hour } ({ $zone }).
    Next tip: <b>{ $first }</b>.
    To stop, send /unsubscribe. For a tip right now, send /tip.
tips-saved-short = Saved
tips-already-subscribed-short = You're already subscribed
tips-unsubscribed = Done: you won't receive weekly tips anymore.
tips-not-subscribed = You're not subscribed to weekly tips.
tips-all-read = You've read every tip we have so far. New ones arrive as our practitioners write them!
tips-button-undo = Undo
tips-button-subscribe = Get weekly tips
tips-button-change-day = Change day or time
tips-button-change-zone = Change time zone
tips-read-more = Read the whole article
button-back = « Back
zone-st_johns = Newfoundland
zone-halifax = Atlantic
zone-toronto = Eastern
zone-winnipeg = Central
zone-regina = Saskatchewan
zone-edmonton = Mountain
zone-vancouver = Pacific
command-subscribe = Weekly back-care tips
command-settings = Change tip day, time or time zone
command-unsubscribe = Stop weekly tips
command-tip = A tip right now
command-timezone = Set your time zone
