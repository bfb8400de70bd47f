delivery-stalled =
    ⚠️ Des messages aux patients attendent depuis { $since } parce que { $reason ->
        [database] le bot ne peut pas utiliser sa base de données
       *[sender] aucune copie du bot ne les envoie
    }.
    Rien n'est perdu : ils partiront dès que ce sera réglé, et je le dirai ici.
delivery-resumed =
    ✅ L'envoi a repris après { $minutes } min : les messages en attente partent maintenant.
