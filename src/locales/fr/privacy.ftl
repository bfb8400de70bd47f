privacy-what-we-keep =
    <b>Ce que ce robot conserve à votre sujet, et pourquoi</b>
    • Votre nom Telegram, votre identifiant et votre langue : pour vous répondre et retenir vos choix.
    • Vos réglages de conseils (jour, heure, fuseau horaire) et les conseils reçus : pour ne jamais vous envoyer deux fois le même.
    • Les messages que le robot vous a envoyés et leur livraison : pour que rien ne se perde ni ne soit envoyé deux fois.
    • Si vous demandez un rendez-vous : votre nom, votre numéro de téléphone et vos renseignements d'assurance, seulement avec votre accord.

    Envoyez /mydata pour en obtenir une copie, ou /forget pour tout effacer.
privacy-nothing-stored = Je n'ai aucune donnée personnelle à votre sujet.
privacy-mydata-caption = Tout ce que ce robot conserve à votre sujet.
privacy-forget-confirm = Cette action efface vos données personnelles de ce robot : vos réglages, votre historique de conseils et tout message en attente pour vous. Les rendez-vous passés restent dans les dossiers de la clinique, sans vos coordonnées. Voulez-vous continuer?
privacy-forget-yes = Oui, effacer mes données
privacy-forget-no = Non, les garder
privacy-forget-kept = Rien n'a été effacé.
privacy-forget-done = C'est fait : vos données personnelles ont été effacées. Si vous envoyez /start de nouveau, je vous accueillerai comme un nouveau patient.
privacy-staff-erasure = Un patient (identifiant Telegram { $userId }) a effacé ses données personnelles du robot.
command-privacy = Ce que nous conservons et pourquoi
command-mydata = Une copie de vos données
command-forget = Effacer vos données
