safety-staff-alert =
    ⚠️ A patient's message suggests a back-pain red flag ({ $flags }). They were told to call 911 or go to emergency.
    Patient: { $name } ({ $username }, id { $userId }). Please consider calling them.
safety-urgent = ⚠️ { $advice }
