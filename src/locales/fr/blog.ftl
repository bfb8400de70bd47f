blog-preview-header =
    📰 <b>Nouvel article du blogue</b>, en attente de votre relecture :
    <b>{ $title }</b>
    { $date } · { $language } · { $tips } conseils
    Ci-dessous, chaque conseil tel que les patients le recevront.
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
blog-date-by-import = { $date } (l’article n’affiche pas de date : daté du jour de l’import)
