error-apology = Désolés, un problème est survenu de notre côté. Réessayez dans un instant; si cela se reproduit, appelez la clinique.
menu-inactive = Ce menu n'est plus actif. Envoyez /help pour voir ce que vous pouvez faire.
unknown-command = Je ne connais pas cette commande. Envoyez /help pour voir ce que je peux faire.
unknown-message = Je suis l'assistant de la clinique et je réponds aux commandes. Envoyez /help pour voir ce que je peux faire, ou appelez la clinique pour toute autre demande.
hours-closed = fermé

start-greeting =
    Bonjour { $name }! Bienvenue à <b>{ $clinic }</b>.

    Ici, vous pouvez :
    • recevoir chaque semaine un court conseil pour votre dos, écrit par nos praticiens
    • demander un rendez-vous et gérer vos visites
    • trouver le téléphone, l'adresse et les heures de la clinique

    Envoyez /help pour la liste complète des commandes.

help-patient =
    <b>Ce que je peux faire</b>
    /start — accueil et menu principal
    /help — cette liste
    /book — demander un rendez-vous
    /appointments — vos rendez-vous : annuler ou déplacer
    /subscribe — un conseil pour le dos chaque semaine, le jour et à l'heure de votre choix
    /settings — changer le jour, l'heure ou le fuseau horaire de vos conseils
    /tip — un conseil tout de suite
    /timezone — choisir votre fuseau horaire
    /unsubscribe — arrêter les conseils hebdomadaires
    /language — français ou anglais
    /privacy — ce que nous conservons et pourquoi
    /mydata — une copie de vos données
    /forget — effacer vos données
help-staff =
    <b>Personnel</b>
    /requests — demandes de rendez-vous en attente
    /today — rendez-vous du jour (ou /today AAAA-MM-JJ)
    /broadcast — envoyer une annonce aux patients
    /broadcasts — annonces récentes, leur livraison, pause ou arrêt
    /stats — les chiffres en un coup d'œil
    /cancel — arrêter la rédaction d'une annonce
    /desk — le bureau du personnel : la semaine, les demandes, les agendas
    /articles — articles du blogue : relire, publier, retirer
help-contact =
    <b>{ $clinic }</b>
    { $address }
    Téléphone : { $phone }

    <b>Heures d'ouverture</b>
    { $hours }

command-start = Accueil et menu principal
command-help = Commandes et coordonnées de la clinique
flood-slow-down = Vous envoyez des messages très rapidement : je fais une pause de quelques secondes. Patientez un moment, puis réessayez.
