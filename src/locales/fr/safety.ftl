safety-staff-alert =
    ⚠️ Le message d'un patient évoque un signal d'alarme ({ $flags }). On lui a conseillé de composer le 911 ou d'aller à l'urgence.
    Patient : { $name } ({ $username }, id { $userId }). Pensez à l'appeler.
safety-urgent = ⚠️ { $advice }
