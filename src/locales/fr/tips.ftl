tips-choose-day = Quel jour de la semaine aimeriez-vous recevoir votre conseil pour le dos?
tips-choose-hour = À quelle heure le { $day }? (votre heure locale)
tips-choose-zone = Dans quel fuseau horaire êtes-vous? Pour un autre, envoyez /timezone suivi de son nom, p. ex. /timezone Europe/Paris.
tips-zone-how = Envoyez /timezone suivi du nom de votre fuseau horaire, par exemple <code>/timezone America/Toronto</code> ou <code>/timezone Europe/Paris</code>.
tips-zone-invalid = Je ne connais pas le fuseau horaire « { $zone } ». Utilisez un nom comme <code>America/Toronto</code>, <code>America/Montreal</code>, <code>America/Halifax</code> ou <code>Europe/Paris</code>.
tips-zone-saved = Votre fuseau horaire est maintenant { $zone }.
tips-subscribed =
    C'est fait! Vous recevrez un conseil chaque { $day } à { $hour } ({ $zone }).
    Votre premier conseil arrivera <b>{ $first }</b>.
tips-updated =
    Modifié : un conseil chaque { $day } à { $hour } ({ $zone }).
    Prochain conseil : <b>{ $first }</b>.
tips-resubscribed =
    Bon retour! Un conseil chaque { $day } à { $hour } ({ $zone }).
    Prochain conseil : <b>{ $first }</b>.
tips-current =
    Vous recevez un conseil chaque { $day } à { $hour } ({ $zone }).
    Prochain conseil : <b>{ $first }</b>.
    Pour arrêter, envoyez /unsubscribe. Pour un conseil tout de suite, envoyez /tip.
tips-saved-short = Enregistré
tips-already-subscribed-short = Vous êtes déjà abonné·e
tips-unsubscribed = C'est noté : vous ne recevrez plus de conseils hebdomadaires.
tips-not-subscribed = Vous n'êtes pas abonné·e aux conseils hebdomadaires.
tips-all-read = Vous avez lu tous nos conseils pour l'instant. D'autres arriveront au fil des articles de nos praticiens!
tips-button-undo = Annuler
tips-button-subscribe = Recevoir les conseils
tips-button-change-day = Changer le jour ou l'heure
tips-button-change-zone = Changer de fuseau horaire
tips-read-more = Lire l'article complet
button-back = « Retour
zone-st_johns = Terre-Neuve
zone-halifax = Atlantique
zone-toronto = Est
zone-winnipeg = Centre
zone-regina = Saskatchewan
zone-edmonton = Rocheuses
zone-vancouver = Pacifique
command-subscribe = Conseils hebdomadaires pour le dos
command-settings = Changer le jour, l'heure ou le fuseau des conseils
command-unsubscribe = Arrêter les conseils
command-tip = Un conseil tout de suite
command-timezone = Choisir votre fuseau horaire
