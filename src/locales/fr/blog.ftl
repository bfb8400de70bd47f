blog-preview-header =
    📰 <b>Nouvel article du blogue</b>, en attente de votre relecture :
    <b>{ $title }</b>
    { $date } · { $language } · { $tips } conseils
    Ci-dessous, chaque conseil tel que les patients le recevront : Modifier, Enlever ou Joindre au précédent sous chacun, Modifier le titre à la fin.
blog-preview-ask = Publier « { $title } » ? Ses { $tips } conseils rejoignent alors les conseils hebdomadaires des patients (langue : { $language }).
blog-button-publish = Publier
blog-button-skip = Ignorer
blog-button-unpublish = Retirer
blog-done-published = ✅ Publié par { $name } : « { $title } » fait partie des conseils.
blog-done-skipped = Ignoré par { $name } : « { $title } » reste hors des conseils.
blog-done-unpublished = Retiré par { $name } : « { $title } » ne fait plus partie des conseils ; ceux déjà envoyés le restent.
blog-unchanged = Rien n'a changé : cet article est { $status }.
blog-unknown = Cet article n'est plus dans la liste.
blog-status-draft = en attente de relecture
blog-status-published = publié
blog-status-skipped = ignoré
blog-status-changed = publié ; modifié sur le blogue depuis, en attente de votre relecture
blog-status-unpublished = retiré
blog-list-header = <b>Articles du blogue</b>, du plus récent au plus ancien :
blog-list-item = { $number }. <b>{ $title }</b> — { $date }, { $language }, { $tips } conseils : { $status }
blog-list-empty = Aucun article du blogue pour l'instant. Importez-en un avec <code>npm run content:import -- SOURCE</code>, ou réglez CONTENT_FEED_URL pour que le bot suive le blogue.
blog-feed-failing =
    ⚠️ Le blogue de la clinique est illisible depuis le { $since } :
    { $error }
    Les conseils déjà publiés continuent de partir, et je réessaie de moi-même.
command-articles = Articles du blogue : relire, publier, retirer
blog-language-en = anglais
blog-language-fr = français

## Corrections depuis l'aperçu (et la vue Articles du bureau)
blog-preview-header-edited =
    ✏️ <b>L'article tel que les patients le recevront maintenant</b> :
    <b>{ $title }</b>
    { $date } · { $language } · { $tips } conseils
blog-preview-header-changed =
    🔄 <b>Un article a changé sur le blogue</b>, à relire de nouveau :
    <b>{ $title }</b>
    { $date } · { $language } · { $tips } conseils
    Les patients reçoivent la version publiée tant que vous ne publiez pas celle-ci. Ce qui a changé :
blog-change-title = • le titre
blog-change-new = • nouveau conseil : { $heading }
blog-change-changed = • conseil modifié : { $heading }
blog-change-removed = • conseil qui n'est plus dans l'article : { $heading }
blog-button-edit = ✏️ Modifier
blog-button-drop = 🗑 Enlever
blog-button-merge = ⤴️ Joindre au précédent
blog-button-title = ✏️ Modifier le titre
blog-edit-tip-ask = ✏️ { $name }, envoyez le nouveau texte du conseil { $number } dans votre prochain message : son titre sur la première ligne, puis le texte. Le texte actuel, à copier :
blog-edit-title-ask = ✏️ { $name }, envoyez le nouveau titre dans votre prochain message. Le titre actuel, à copier :
blog-edit-placeholder = Le nouveau texte
blog-edited-tip = ✏️ { $name } a modifié le conseil { $number }.
blog-edited-title = ✏️ { $name } a modifié le titre.
blog-edited-drop = 🗑 { $name } a enlevé le conseil { $number }.
blog-edited-merge = ⤴️ { $name } a joint le conseil { $number } au précédent.
blog-refused-unknown = Cet article n'est plus dans la liste.
blog-refused-stale = Rien n'a changé : l'article a changé depuis cet aperçu. Utilisez le plus récent.
blog-refused-published = Rien n'a changé : l'article est déjà publié.
blog-refused-no-tip = Rien n'a changé : ce conseil n'est plus dans l'article.
blog-refused-empty = Rien n'a changé : le texte est vide. Envoyez-le de nouveau.
blog-refused-too-long = Rien n'a changé : { $length } caractères, et une fiche conseil en contient { $limit }. Envoyez un texte plus court.
blog-refused-last-tip = Rien n'a changé : c'est le seul conseil de l'article. Ignorez plutôt l'article.
blog-refused-first-tip = Rien n'a changé : le premier conseil n'a pas de conseil avant lui.
blog-date-by-import = { $date } (l’article n’affiche pas de date : daté du jour de l’import)
