language-choose = Dans quelle langue souhaitez-vous que je vous réponde?
language-saved = C'est noté : je vous répondrai en français dorénavant. Envoyez /language pour changer de nouveau.
language-name-en = English
language-name-fr = Français
command-language = Choisir la langue du robot
