## Demander un rendez-vous (/book)
booking-button-book = 📅 Prendre rendez-vous
booking-button-cancel = ✖ Annuler
booking-limit = Vous avez déjà { $max } rendez-vous ou demandes à venir, le maximum que nous pouvons réserver pour une même personne. Envoyez /appointments pour les voir ou les modifier, ou appelez la clinique.
booking-old-step = Veuillez utiliser les boutons du dernier message.
booking-use-buttons = Veuillez choisir avec les boutons ci-dessus, ou envoyez /cancel pour arrêter.
booking-send-text = Veuillez écrire votre réponse dans un message, ou envoyez /cancel pour arrêter.
booking-cancelled = Pas de souci, rien n'a été réservé. Envoyez /book quand vous voulez.
booking-choose-service = Que souhaitez-vous réserver?
booking-choose-practitioner = Avec qui?
booking-button-no-preference = Sans préférence
booking-no-days = Désolé, il n'y a aucune plage libre pour ce service dans les { $days } prochains jours. Appelez la clinique au { $phone } et nous trouverons un moment ensemble.
booking-choose-day = Quel jour? (Seuls les jours avec des plages libres sont affichés.)
booking-day-full = Désolé, cette journée vient de se remplir. Veuillez en choisir une autre.
booking-choose-time = Plages libres le { $day }, à l'heure de la clinique ({ $zone }) :
booking-button-other-day = « Un autre jour
booking-button-waitlist = Aucune ne me convient : m'inscrire sur la liste d'attente de ce jour
booking-time-unavailable = Cette heure n'est pas libre. Veuillez choisir une des heures ci-dessus.
booking-date-past = Cette date est déjà passée. Veuillez choisir un des jours ci-dessus.
booking-date-unavailable = Il n'y a aucune plage libre à cette date. Veuillez choisir un des jours ci-dessus.
booking-ask-name = À quel nom la clinique doit-elle inscrire le rendez-vous? Touchez pour utiliser <b>{ $name }</b>, ou écrivez le nom.
booking-button-use-name = Utiliser « { $name } »
booking-too-long = C'est un peu long : { $max } caractères au maximum, s'il vous plaît.
booking-name-invalid = Veuillez écrire un nom qui contient des lettres.
booking-consent =
    Pour demander un rendez-vous, nous devons conserver votre numéro de téléphone (et votre assureur, si vous voulez que nous le facturions directement) pour que la clinique puisse vous joindre.

    { $policy }

    Êtes-vous d'accord?
booking-button-consent-yes = J'accepte
booking-button-consent-no = Non merci
booking-consent-declined = C'est noté, rien n'a été conservé. Vous pouvez réserver par téléphone au { $phone }.
booking-ask-phone = À quel numéro la clinique peut-elle vous joindre? Touchez le bouton ci-dessous pour partager votre numéro Telegram, ou écrivez-le (par exemple 613 555 0123). Envoyez /cancel pour arrêter.
booking-button-share-phone = 📱 Partager mon numéro
booking-phone-not-own = Veuillez partager votre propre numéro, ou l'écrire.
booking-phone-invalid = Cela ne ressemble pas à un numéro de téléphone. Veuillez l'écrire avec l'indicatif régional, par exemple 613 555 0123.
booking-phone-saved = Merci, nous appellerons au { $phone } au besoin.
booking-button-skip = Passer
booking-ask-billing = Voulez-vous que nous facturions directement votre assurance?
booking-button-yes = Oui
booking-button-no = Non
booking-ask-insurer = Quelle compagnie d'assurance?
booking-ask-billing-note = Autre chose à savoir pour la facturation (par exemple, le régime est celui de votre conjoint)? Sinon, touchez Passer. N'envoyez pas de numéro de carte ou de police ici; apportez votre carte à la visite.
booking-ask-note = Quelque chose que le praticien devrait savoir (où vous avez mal, depuis quand)? Sinon, touchez Passer.
booking-summary =
    <b>Veuillez vérifier votre demande</b>
    Service : { $service }
    Avec : { $practitioner }
    Quand : { $when } (heure de la clinique, { $zone })
    Nom : { $name }
    Téléphone : { $phone }
    Facturation directe : { $billing }
    Note : { $note }
booking-summary-billing-yes = oui, { $insurer }
booking-summary-billing-no = non
booking-button-confirm-request = ✅ Envoyer ma demande
booking-button-change = ✏️ Modifier quelque chose
booking-change-what = Que voulez-vous modifier?
booking-change-time = Service, jour et heure
booking-change-name = Nom
booking-change-phone = Téléphone
booking-change-billing = Facturation directe
booking-change-note = Note
booking-requested =
    Votre demande est envoyée. Votre numéro de référence : { $reference }.
    La clinique la confirmera ici, habituellement en moins de { $hours } heures pendant les heures d'ouverture. Vous recevrez la confirmation avec un fichier de calendrier. /appointments affiche vos demandes.
booking-slot-gone = Désolé, cette heure vient d'être prise. Veuillez en choisir une autre.
booking-reschedule-intro = Trouvons un nouveau moment pour { $appointment }. Votre rendez-vous actuel reste réservé jusqu'à ce que la clinique confirme le nouveau.
booking-reschedule-gone = Ce rendez-vous ne peut plus être déplacé ici. Envoyez /appointments pour voir où en sont les choses.
booking-waitlist-added = Vous êtes sur la liste d'attente du { $day }. Si une plage se libère ce jour-là, je vous écrirai; la première personne qui accepte l'obtient.
booking-slot-line = { $service } avec { $practitioner } ({ $when })

## Fiche pour l'équipe
booking-card-title = 🗓 <b>Demande { $reference }</b> · { $status }
booking-card-patient = Patient : { $name } (identifiant Telegram { $userId })
booking-card-erased = renseignements effacés à la demande du patient
booking-card-phone = Téléphone : { $phone }
booking-card-service = Service : { $service }
booking-card-practitioner = Praticien : { $practitioner }
booking-card-practitioner-any = Praticien : { $practitioner } (sans préférence)
booking-card-when = Quand : { $when } (heure de la clinique)
booking-card-billing-yes = Facturation directe : oui, { $insurer }
booking-card-billing-yes-note = Facturation directe : oui, { $insurer } · { $note }
booking-card-insurer-missing = assureur non indiqué
booking-card-billing-no = Facturation directe : non
booking-card-note = Note : { $note }
booking-card-red-flags = ⚠️ <b>Signaux d'alarme dans la note : { $flags }.</b> Le patient a été invité à consulter d'urgence; veuillez l'appeler.
booking-card-reschedule = ↪ Déplace le rendez-vous no { $appointment } (annulé quand celui-ci sera confirmé)
booking-card-proposed = ⏳ { $by } a proposé { $when } avec { $practitioner }; en attente du patient.
booking-card-confirmed = ✅ Confirmé par { $by }
booking-card-patient-self = le patient (a accepté l'heure proposée)
booking-card-declined = ❌ Refusé par { $by } : { $reason }
booking-card-withdrawn = ↩ Retirée par le patient
booking-card-appointment-cancelled = 🚫 Rendez-vous annulé ({ $by })
booking-card-attendance-attending = 👍 Réponse au rappel : sera présent
booking-card-attendance-reschedule = 🔁 Réponse au rappel : doit déplacer le rendez-vous
booking-status-requested = en attente
booking-status-proposed = autre heure proposée
booking-status-confirmed = confirmé
booking-status-declined = refusé
booking-status-cancelled = annulé
booking-status-completed = terminé
booking-status-no-show = absence
booking-button-confirm = ✅ Confirmer
booking-button-decline = ❌ Refuser
booking-button-propose = 🕑 Proposer une autre heure

## Actions de l'équipe
booking-staff-confirmed = Confirmé; le patient est avisé.
booking-staff-taken = Cette heure n'est plus libre. Proposez plutôt une autre heure.
booking-staff-already = Déjà traité par { $by }.
booking-decline-ask = ✍️ Pourquoi la demande { $reference } est-elle refusée? Répondez à ce message avec la raison; le patient la lira.
booking-decline-placeholder = Raison pour le patient
booking-staff-declined = Demande { $reference } refusée; le patient a reçu la raison.
booking-staff-no-days = Aucun jour libre pour ce service dans la période de réservation.
booking-staff-proposed = Proposé; en attente de la réponse du patient.
booking-requests-title = <b>Demandes en attente : { $count }</b>
booking-requests-item = { $reference } · { $name } · { $appointment } · en attente depuis { $hours } h
booking-requests-item-proposed = { $reference } · { $name } · { $appointment } · autre heure proposée, en attente du patient
booking-requests-none = Aucune demande en attente. 🎉
booking-today-title = <b>Rendez-vous du { $day } : { $count }</b>
booking-today-item = { $time } · { $practitioner } · { $name } ({ $phone }) · { $service } · { $reference } · { $status }
booking-today-hint = Une fois un rendez-vous commencé, ✓ le marque terminé et ✗ en absence ; ↩ l'annule pendant 24 heures. /today 2026-12-01 affiche un autre jour.
booking-today-awaiting = <b>Rendez-vous passés sans issue notée : { $count }</b>
booking-today-awaiting-item = { $day } { $time } · { $practitioner } · { $name } ({ $phone }) · { $reference }
booking-today-more = …et { $count } de plus, sur le bureau du personnel.
booking-outcome-done = { $reference } · { $name } · { $day } { $time } : marqué { $status } par { $by }.
booking-outcome-undo-button = ↩ Annuler
booking-outcome-not-started = { $reference } commence le { $day } à { $time } : son issue pourra être notée une fois le rendez-vous commencé.
booking-outcome-already = { $reference } est déjà { $status } ({ $by }).
booking-outcome-gone = Ce rendez-vous n'existe plus.
booking-outcome-undone = Annulé : { $reference } est de nouveau confirmé et garde son heure.
booking-outcome-undo-expired = Trop tard : une issue ne peut être annulée que pendant 24 heures.
booking-outcome-undo-taken = Non annulé : son heure a été réservée pour quelqu'un d'autre entre-temps. L'issue reste notée.
booking-outcome-undo-nothing = Rien à annuler : { $reference } est { $status }.
booking-today-bad-date = Veuillez écrire la date sous la forme AAAA-MM-JJ, par exemple /today 2026-12-01.
booking-marked-completed = Marqué comme terminé.
booking-marked-no-show = Marqué comme une absence.
booking-stale-staff = ⏰ La demande { $reference } de { $name } ({ $phone }) attend depuis plus de { $hours } heures. Le patient a été avisé que la clinique l'appellera.
booking-cancelled-staff = 🚫 { $name } a annulé { $appointment } (demande { $reference }, { $by }). La plage est de nouveau libre.
booking-withdrawn-staff = ↩ { $name } a retiré la demande { $reference }.
booking-proposal-refused-staff = ↩ { $name } a refusé l'heure proposée pour la demande { $reference }.
booking-waitlist-by = la liste d'attente

## Messages au patient
booking-confirmed-patient =
    ✅ Votre rendez-vous est confirmé : { $appointment }.
    Référence { $reference }. Adresse : { $address }.
    Un fichier de calendrier suit. Envoyez /appointments pour annuler ou déplacer le rendez-vous.
booking-declined-patient = Désolé, la clinique n'a pas pu accepter la demande { $reference } : { $reason }. Envoyez /book pour choisir un autre moment, ou appelez le { $phone }.
booking-proposed-patient = Au sujet de la demande { $reference } : { $requested } n'est pas possible, mais la clinique peut vous offrir { $appointment }. Cela vous convient-il?
booking-button-accept = ✅ Oui, je réserve
booking-button-refuse = ✖ Non merci
booking-cancelled-patient = Votre rendez-vous { $appointment } est annulé. Ouvrez le fichier joint pour le retirer de votre calendrier.
booking-reminder-day = Rappel : demain, vous avez { $appointment }.
booking-reminder-soon = Rappel : dans { $hours } heures, vous avez { $appointment }.
booking-button-attending = 👍 Je serai là
booking-button-need-reschedule = 🔁 Je dois déplacer le rendez-vous
booking-stale-patient = Votre demande { $reference } prend plus de temps que d'habitude. La clinique vous appellera; vous pouvez aussi appeler le { $phone }.
booking-waitlist-offer = Une plage s'est libérée : { $appointment }. La voulez-vous? La première personne qui accepte l'obtient.
booking-button-take-slot = ✅ Oui, je la prends
booking-button-leave-waitlist = Quitter la liste d'attente de ce jour
booking-waitlist-taken = Elle est à vous! Référence { $reference }. La confirmation avec un fichier de calendrier suit.
booking-waitlist-too-late = Désolé, quelqu'un a pris cette plage juste avant vous. Vous restez sur la liste d'attente de ce jour.
booking-waitlist-left = Vous n'êtes plus sur la liste d'attente de ce jour.
booking-calendar-caption = 📅 Votre rendez-vous, à ajouter à votre calendrier.
booking-ics-description = Avec { $practitioner }. Pour annuler ou déplacer le rendez-vous, utilisez le robot Telegram de la clinique ou appelez le { $phone }.

## /appointments
appointments-title = Vos rendez-vous et demandes :
appointments-none = Vous n'avez aucun rendez-vous ni demande à venir.
appointments-item = ✅ { $reference } : { $appointment }
appointments-item-requested = ⏳ { $reference } : { $appointment } (en attente de la clinique)
appointments-item-proposed = ❓ { $reference } : { $appointment } (la clinique a proposé une autre heure; voyez son message)
appointments-policy = Pour annuler moins de { $hours } heures à l'avance, veuillez appeler la clinique.
appointments-button-cancel = Annuler
appointments-button-reschedule = Déplacer
appointments-cancel-sure = Annuler { $appointment }?
appointments-button-cancel-yes = Oui, l'annuler
appointments-button-keep = Non, le garder
appointments-cancelled = Votre rendez-vous est annulé et la clinique est avisée. Un fichier de calendrier pour le retirer suit.
appointments-kept = Parfait, votre rendez-vous reste tel quel.
appointments-late = Il reste moins de { $hours } heures avant votre rendez-vous : il ne peut plus être modifié ici. Veuillez appeler la clinique au { $phone }; une annulation tardive peut être facturée.
appointments-request-withdrawn = La demande { $reference } est retirée.
appointments-proposal-refused = C'est noté; la demande { $reference } est fermée. Envoyez /book pour choisir un autre moment.
appointments-proposal-accepted = C'est réservé! La demande { $reference } est confirmée; la confirmation avec un fichier de calendrier suit.
appointments-proposal-gone = Désolé, cette heure a été prise entre-temps. Veuillez en choisir une autre.
appointments-see-you = Merci, à bientôt!

command-book = Demander un rendez-vous
command-appointments = Vos rendez-vous : annuler ou déplacer
command-requests = Demandes de rendez-vous en attente
command-today = Rendez-vous du jour (ou /today AAAA-MM-JJ)
booking-waitlist-limit = Vous attendez déjà pour { $max } jours, le maximum que la liste d'attente garde pour une même personne. Envoyez /book pour choisir une heure libre, ou appelez la clinique au { $phone }.
booking-staff-limit = Ce patient a déjà autant de rendez-vous à venir que la clinique le permet. Refusez ou proposez une autre heure, ou demandez-lui d'en annuler un.
booking-rescheduled-calendar-caption = Ce fichier retire votre rendez-vous précédent ({ $appointment }) de votre calendrier : le nouveau le remplace.
