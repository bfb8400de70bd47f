safety-staff-alert =
    ⚠️ A patient's message suggests a back-pain red flag ({ $flags }). They were told to call 911 or go to emergency.
    Patient: <a href="{ $chat }">{ $name }</a>{ $username } (id { $userId }) · { $phone } · speaks { $language }.
    Please consider calling them, or write to them through their name above.
safety-staff-phone = phone { $phone }
safety-staff-no-phone = no phone on file
safety-language-en = English
safety-language-fr = French
safety-urgent = ⚠️ { $advice }
