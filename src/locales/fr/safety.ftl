safety-staff-alert =
    ⚠️ Le message d'un patient évoque un signal d'alarme ({ $flags }). On lui a conseillé de composer le 911 ou d'aller à l'urgence.
    Patient : <a href="{ $chat }">{ $name }</a>{ $username } (id { $userId }) · { $phone } · parle { $language }.
    Pensez à l'appeler, ou écrivez-lui en touchant son nom ci-dessus.
safety-staff-phone = téléphone { $phone }
safety-staff-no-phone = aucun téléphone connu
safety-language-en = anglais
safety-language-fr = français
safety-urgent = ⚠️ { $advice }
