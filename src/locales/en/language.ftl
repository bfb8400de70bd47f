language-choose = Which language would you like me to use?
language-saved = Done: I'll speak English with you from now on. Send /language to change it again.
language-name-en = English
language-name-fr = Français
command-language = Choose the bot's language
