broadcast-ask-message = Envoyez-moi l'annonce : un texte (la mise en forme est conservée) ou une photo avec une légende. Envoyez /cancel pour arrêter.
broadcast-unsupported = Je peux envoyer un texte ou une photo avec légende, mais pas ce type de message. Veuillez renvoyer l'annonce.
broadcast-empty = L'annonce est vide. Veuillez envoyer un texte ou une photo avec une légende.
broadcast-choose-audience = Qui doit la recevoir?
broadcast-audience-everyone = Tout le monde ({ $count })
broadcast-audience-subscribers = Abonnés aux conseils ({ $count })
broadcast-audience-appointments = Patients ayant un rendez-vous à venir ({ $count })
broadcast-audience-lang-en = Anglophones ({ $count })
broadcast-audience-lang-fr = Francophones ({ $count })
broadcast-preview-above = ⬆️ Voici exactement ce que { $count } personnes recevront.
broadcast-preview-language = 🌐 Elle est rédigée en { $written } : { $count } personnes de ce public lisent le { $other } et recevront ce texte en { $written } tel quel. Pour leur donner une version en { $other }, touchez Annuler et envoyez deux annonces : celle-ci aux personnes qui lisent le { $written }, une autre en { $other } à celles qui lisent le { $other }.
broadcast-language-en = anglais
broadcast-language-fr = français
broadcast-nobody = Personne ne fait partie de ce public pour l'instant. Veuillez en choisir un autre.
broadcast-button-send = Envoyer à { $count } personnes
broadcast-button-tomorrow = Planifier pour { $when }
broadcast-button-cancel = Annuler
broadcast-cancelled = L'annonce a été annulée; rien n'a été envoyé.
broadcast-scheduled = Planifiée pour { $when } (heure de la clinique). /broadcasts l'affiche; vous pouvez l'annuler d'ici là.
broadcast-already = Cette annonce a déjà été traitée.
broadcast-no-draft = Aucune annonce n'est en cours de rédaction. Envoyez /broadcast pour en commencer une.
broadcast-progress =
    📣 Annonce no { $id } à { $total } personnes
    Envoyés : { $sent } · Bloqués : { $blocked } · Échecs : { $failed } · Restants : { $remaining }
    Encore environ { $eta }.
broadcast-progress-paused =
    ⏸ L'annonce no { $id } est en pause.
    Envoyés : { $sent } · Bloqués : { $blocked } · Échecs : { $failed } · Restants : { $remaining }
broadcast-report =
    ✅ Annonce no { $id } terminée en { $duration }.
    Livrés : { $sent } sur { $total } · Ont bloqué le robot : { $blocked } · Échecs : { $failed }
broadcast-report-cancelled =
    ⏹ L'annonce no { $id } a été arrêtée après { $duration }.
    Livrés : { $sent } sur { $total } · Non envoyés : { $cancelled } · Ont bloqué le robot : { $blocked } · Échecs : { $failed }
broadcast-report-unknown = ❔ { $unknown } ne sont peut-être pas arrivés : le robot s'est arrêté pendant leur envoi et ne les renvoie pas, pour que personne ne reçoive l'annonce deux fois. Si c'est important, téléphonez à ces patients ou envoyez une courte annonce de suivi.
broadcast-report-reasons = Échecs :
broadcast-button-pause = ⏸ Pause
broadcast-button-resume = ▶️ Reprendre
broadcast-button-stop = ⏹ Arrêter
broadcast-list-empty = Aucune annonce pour l'instant.
broadcast-list-item = no { $id } · { $status } · { $when } · par { $author } · { $sent }/{ $total } livrés, { $blocked } bloqués, { $failed } échecs, { $unknown } inconnus
broadcast-list-title = <b>Annonces récentes</b>
stats-text =
    <b>Le robot de la clinique en chiffres</b>
    Patients : { $active } actifs, { $blocked } ont bloqué le robot
    Abonnés aux conseils : { $subscribers }
    Conseils livrés ces 7 derniers jours : { $tips }
    Demandes de rendez-vous en attente : { $pending }
    Rendez-vous aujourd'hui : { $today } · cette semaine : { $week }
    Annonces récentes :
    { $broadcasts }
command-broadcast = Envoyer une annonce aux patients
command-broadcasts = Annonces récentes et leur livraison
command-stats = Les chiffres en un coup d'œil
command-cancel = Arrêter l'action en cours
