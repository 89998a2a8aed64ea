"""The console in the staff member's language (``StaffAccount.language``: it, en or fr).

Italian, the desk's language, is the source: a template marks a string by passing its Italian
text to ``_``, and that text is the key of its English and French in ``CATALOGUE``::

    {{ _("Richieste allo staff") }}
    {{ _("Richiesta #{n}", n=e.id) }}

Parameters are keyword arguments of ``_``; they fill the ``{name}`` fields after translation,
so a translation may put them in another order (``str.format``: write a literal brace as
``{{``). The result is plain text, autoescaped like any other value: keep markup out of the
strings. Python code that hands text to a page (an error message) writes it as
``Message("La FAQ #{n} non esiste.", n=faq_id)``; the page translates it when it shows it.

A string with no translation shows in Italian; ``tests/console/test_console_translations.py``
finds every ``_("…")`` in the templates and every ``Message("…")`` in ``api/console`` and fails
for one without English and French. To add a string: mark it, then add its line to the
catalogue part of its page area (this module for the frame, the login and error pages and
Python messages; ``translations_requests`` for the queue, a request and the FAQs;
``translations_management`` for knowledge, analytics, staff and the log; ``translations_sources``
for the web sources and the catalog proposals; ``translations_claims`` for the reimbursement
claims). A key lives in one part only: the parts are merged at import and a duplicate is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from api.console.translations_claims import CLAIMS
from api.console.translations_management import MANAGEMENT
from api.console.translations_requests import REQUESTS
from api.console.translations_sources import SOURCES
from bot.desk.accounts import LANGUAGES, Language

LANGUAGE_NAMES: dict[Language, str] = {"it": "Italiano", "en": "English", "fr": "Français"}
"""Each language in itself, as the language menus show it."""

Translations = dict[str, dict[str, str]]
"""Italian source text → {"en": …, "fr": …}."""

FRAME: Translations = {
    # base.html: the header, the notices after an action
    "Consegna rimessa in coda: parte al prossimo giro.": {
        "en": "Delivery queued again: it goes out at the next round.",
        "fr": "Livraison remise en file : elle part au prochain passage.",
    },
    "Sezioni": {"en": "Sections", "fr": "Sections"},
    "Richieste": {"en": "Requests", "fr": "Demandes"},
    "Conoscenza": {"en": "Knowledge", "fr": "Connaissances"},
    "Analisi": {"en": "Analytics", "fr": "Analyses"},
    "Staff": {"en": "Staff", "fr": "Équipe"},
    "Registro": {"en": "Log", "fr": "Journal"},
    "Lingua della console": {"en": "Console language", "fr": "Langue de la console"},
    "Applica": {"en": "Apply", "fr": "Appliquer"},
    "Esci": {"en": "Sign out", "fr": "Se déconnecter"},
    "Salvato.": {"en": "Saved.", "fr": "Enregistré."},
    "Risposta inviata: arriva all'impresa sul suo canale.": {
        "en": "Reply sent: it reaches the company on its channel.",
        "fr": "Réponse envoyée : elle parvient à l'entreprise sur son canal.",
    },
    "Nota salvata.": {"en": "Note saved.", "fr": "Note enregistrée."},
    "FAQ salvata: l'assistente la usa da subito.": {
        "en": "FAQ saved: the assistant uses it right away.",
        "fr": "FAQ enregistrée : l'assistant l'utilise dès maintenant.",
    },
    "Documento caricato e indicizzato.": {
        "en": "Document uploaded and indexed.", "fr": "Document téléversé et indexé.",
    },
    "Base di conoscenza aggiornata.": {"en": "Knowledge base updated.", "fr": "Base de connaissances mise à jour."},
    "Dati del contatto cancellati.": {"en": "The contact's data was erased.", "fr": "Données du contact effacées."},
    "Conservazione applicata.": {"en": "Retention applied.", "fr": "Conservation appliquée."},
    "La richiesta è già chiusa.": {"en": "The request is closed already.", "fr": "La demande est déjà clôturée."},
    "Il testo è troppo lungo.": {"en": "The text is too long.", "fr": "Le texte est trop long."},
    "Scrivi un testo prima di inviare.": {
        "en": "Write some text before sending.", "fr": "Écrivez un texte avant d'envoyer.",
    },
    "L'azione non è riuscita.": {"en": "The action failed.", "fr": "L'action a échoué."},
    "Tipo di file non ammesso.": {"en": "File type not allowed.", "fr": "Type de fichier non autorisé."},
    "Il file supera il limite di dimensione.": {
        "en": "The file is over the size limit.", "fr": "Le fichier dépasse la taille maximale.",
    },
    "Il file è vuoto.": {"en": "The file is empty.", "fr": "Le fichier est vide."},
    "Un'altra indicizzazione è in corso: riprova fra poco.": {
        "en": "Another indexing run is under way: try again shortly.",
        "fr": "Une autre indexation est en cours : réessayez dans un instant.",
    },
    "Il file non è stato indicizzato: vedi il rapporto qui sotto.": {
        "en": "The file was not indexed: see the report below.",
        "fr": "Le fichier n'a pas été indexé : voir le rapport ci-dessous.",
    },
    "Il file non è stato accettato e la base di conoscenza non è cambiata. Motivo:": {
        "en": "The file was not accepted and the knowledge base has not changed. Reason:",
        "fr": "Le fichier n'a pas été accepté et la base de connaissances n'a pas changé. Motif :",
    },
    "Non pubblicato: con questa modifica le domande di controllo ricevono risposte peggiori. La base di conoscenza "
    "in uso non è cambiata.": {
        "en": "Not published: with this change the check questions get worse answers. The knowledge base in use "
        "has not changed.",
        "fr": "Non publié : avec cette modification, les questions de contrôle reçoivent de moins bonnes réponses. "
        "La base de connaissances en service n'a pas changé.",
    },
    # Labels more than one page uses
    "Dettagli": {"en": "Details", "fr": "Détails"},
    "Stato": {"en": "Status", "fr": "Statut"},
    "Domanda": {"en": "Question", "fr": "Question"},
    "Lingua": {"en": "Language", "fr": "Langue"},
    "E-mail": {"en": "E-mail", "fr": "E-mail"},
    "Password": {"en": "Password", "fr": "Mot de passe"},
    "Dati personali": {"en": "Personal data", "fr": "Données personnelles"},
    "Nome": {"en": "Name", "fr": "Nom"},
    # login.html, error.html
    "Accesso": {"en": "Sign in", "fr": "Connexion"},
    "Accesso staff": {"en": "Staff sign-in", "fr": "Connexion de l'équipe"},
    "Accedi": {"en": "Sign in", "fr": "Se connecter"},
    "Gli account li crea un amministratore:": {
        "en": "Accounts are created by an administrator:", "fr": "Les comptes sont créés par un administrateur :",
    },
    "Torna alla console": {"en": "Back to the console", "fr": "Retour à la console"},
    # Messages written in Python (api/console/*.py)
    "Accesso richiesto": {"en": "Sign-in required", "fr": "Connexion requise"},
    "Accedi di nuovo.": {"en": "Sign in again.", "fr": "Connectez-vous à nouveau."},
    "Non consentito": {"en": "Not allowed", "fr": "Non autorisé"},
    "Non trovata": {"en": "Not found", "fr": "Introuvable"},
    "Il modulo è scaduto o non viene da questa console: ricarica la pagina e riprova.": {
        "en": "The form has expired or does not come from this console: reload the page and try again.",
        "fr": "Le formulaire a expiré ou ne vient pas de cette console : rechargez la page et réessayez.",
    },
    "Questa pagina è riservata agli amministratori.": {
        "en": "This page is for administrators only.", "fr": "Cette page est réservée aux administrateurs.",
    },
    "Il modulo è scaduto: riprova.": {
        "en": "The form has expired: try again.", "fr": "Le formulaire a expiré : réessayez.",
    },
    "E-mail o password errate.": {"en": "Wrong e-mail or password.", "fr": "E-mail ou mot de passe incorrect."},
    "Troppi tentativi di accesso: riprova tra {when}.": {
        "en": "Too many sign-in attempts: try again in {when}.",
        "fr": "Trop de tentatives de connexion : réessayez dans {when}.",
    },
    "{n} secondi": {"en": "{n} seconds", "fr": "{n} secondes"},
    "{n} minuti": {"en": "{n} minutes", "fr": "{n} minutes"},
    "Non puoi togliere a te stesso il ruolo di amministratore né disattivarti.": {
        "en": "You cannot take the administrator role away from yourself or disable yourself.",
        "fr": "Vous ne pouvez ni vous retirer le rôle d'administrateur ni désactiver votre propre compte.",
    },
    "Questo contatto non esiste (o i suoi dati sono già stati cancellati).": {
        "en": "This contact does not exist (or its data has been erased already).",
        "fr": "Ce contact n'existe pas (ou ses données ont déjà été effacées).",
    },
    "Nessun periodo di conservazione configurato (SPORTELLO_PRIVACY__RETENTION_DAYS).": {
        "en": "No retention period is configured (SPORTELLO_PRIVACY__RETENTION_DAYS).",
        "fr": "Aucune durée de conservation n'est configurée (SPORTELLO_PRIVACY__RETENTION_DAYS).",
    },
    "Questo account non esiste o è disattivato.": {
        "en": "This account does not exist or is disabled.", "fr": "Ce compte n'existe pas ou est désactivé.",
    },
    "Il documento scelto non è più nella base di conoscenza: ricarica la pagina.": {
        "en": "The chosen document is no longer in the knowledge base: reload the page.",
        "fr": "Le document choisi n'est plus dans la base de connaissances : rechargez la page.",
    },
    "La richiesta #{n} non esiste (o i dati sono stati cancellati).": {
        "en": "Request #{n} does not exist (or its data has been erased).",
        "fr": "La demande #{n} n'existe pas (ou ses données ont été effacées).",
    },
    "La FAQ #{n} non esiste.": {"en": "FAQ #{n} does not exist.", "fr": "La FAQ #{n} n'existe pas."},
}  # fmt: skip


class Message:
    """Italian source text written in Python, with its parameters: the page that shows it
    translates it into the reader's language (``str()`` gives the Italian)."""

    __slots__ = ("params", "text")

    def __init__(self, text: str, **params: object) -> None:
        self.text = text
        self.params = params

    def __str__(self) -> str:
        return translate(self, "it")

    def __repr__(self) -> str:
        return f"Message({self.text!r})"


def translate(text: str | Message, language: str, **params: object) -> str:
    """``text`` in ``language`` (Italian where the catalogue has none), its ``{fields}`` filled
    from ``params``; a parameter that is itself a ``Message`` is translated too."""
    if isinstance(text, Message):
        params = {**text.params, **params}
        text = text.text
    translated = CATALOGUE.get(text, {}).get(language, text) if language != "it" else text
    if not params:
        return translated
    return translated.format(
        **{name: translate(value, language) if isinstance(value, Message) else value for name, value in params.items()}
    )


def translator(language: str) -> Callable[..., str]:
    """The ``_`` of a page in ``language``."""

    def _(text: str | Message, **params: object) -> str:
        return translate(text, language, **params)

    return _


def preferred_language(accept_language: str | None) -> Language:
    """The best of it/en/fr for a browser's ``Accept-Language`` header (Italian when it names none)."""
    spoken: dict[str, Language] = {code: code for code in LANGUAGES}
    best: tuple[float, Language] = (0.0, "it")
    for part in (accept_language or "").split(",")[:20]:
        tag, _, quality = (piece.strip() for piece in part.partition(";"))
        language = spoken.get(tag.split("-")[0].lower())
        try:
            weight = float(quality.removeprefix("q=")) if quality.startswith("q=") else 1.0
        except ValueError:
            continue
        if language is not None and weight > best[0]:  # equal weights: the first named wins
            best = (weight, language)
    return best[1]


def _merged(*parts: Mapping[str, dict[str, str]]) -> Translations:
    catalogue: Translations = {}
    for part in parts:
        twice = catalogue.keys() & part.keys()
        if twice:
            raise ValueError(f"console strings translated in two places: {sorted(twice)}")
        catalogue |= part
    return catalogue


CATALOGUE: Translations = _merged(FRAME, REQUESTS, MANAGEMENT, SOURCES, CLAIMS)
"""Every console string: Italian source text → {"en": …, "fr": …}."""
