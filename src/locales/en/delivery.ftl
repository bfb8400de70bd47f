delivery-stalled =
    ⚠️ Messages to patients have been waiting since { $since } because { $reason ->
        [database] the bot cannot use its database
       *[sender] no copy of the bot is sending them
    }.
    Nothing is lost: they go out as soon as this is fixed, and I will say so here.
delivery-resumed =
    ✅ Sending has resumed after { $minutes } min: the messages that were waiting are going out now.
