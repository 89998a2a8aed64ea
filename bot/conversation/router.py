"""The semantic router: intents the rules missed, found by nearest multilingual examples.

Each intent has a few examples per language; they are embedded once with the same model
as the knowledge base (``query:`` side, cached by the embedder's cache for passages is not
used here because these are queries), and the router reports the nearest non-question intent and
how much nearer it is than the nearest example *question* of the help desk (the margin).
e5 similarities sit in a narrow band (0.75–0.9), so only the margin means something.
The policy (``bot.conversation.policy``) trusts a large margin on its own and a small one only when
retrieval found nothing either: "come prenoto un appuntamento con lo sportello?" looks
like a request for a person but is answered by the documents. Thresholds are calibrated
with ``scripts/calibrate_assistant.py`` (docs/assistant.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.conversation.understanding import Intent
from retrieval.embeddings import Embedder

EXAMPLES: Mapping[Intent, Sequence[str]] = {
    "question": (
        "Entro quando devo iscrivermi alla missione?", "Quali documenti servono per candidarsi?",
        "Quanto viene rimborsato del volo?", "Chi può partecipare al bando?", "Quali spese sono ammissibili?",
        "Come si presenta la domanda di rimborso?", "Cos'è la dichiarazione PMI?", "Quanti posti ci sono?",
        "When is the deadline for the call?", "Which costs are eligible?", "How do I apply for the mission?",
        "What documents do I need for the reimbursement?", "Who can take part in the trade mission?",
        "Quelle est la date limite d'inscription ?", "Quels frais sont remboursés ?",
        "Comment postuler à la mission ?", "Quels documents faut-il fournir ?",
    ),
    "human_request": (
        "Vorrei parlare con qualcuno dello sportello", "Potete farmi chiamare da un vostro collega?",
        "Mi passi una persona per favore", "Preferisco che mi risponda qualcuno di voi",
        "Can someone from your team call me back?", "I'd like to speak with a person please",
        "Put me through to your colleagues", "Je voudrais qu'un collègue me rappelle",
        "Est-ce que quelqu'un peut me contacter ?", "Je préfère parler avec un membre de l'équipe",
    ),
    "personal_case": (
        "Che fine ha fatto la pratica che abbiamo inviato il mese scorso?",
        "Ci avete scartato la spesa dell'hotel, perché?", "Non ci è ancora arrivato il bonifico del rimborso",
        "Vorrei sapere l'esito della nostra candidatura", "Why was our expense claim turned down?",
        "We sent our documents two weeks ago and heard nothing", "What happened to the application we submitted?",
        "Pourquoi notre note de frais a-t-elle été refusée ?", "Nous n'avons toujours pas reçu le virement",
        "Quel est le résultat de notre candidature ?",
    ),
    # What a person must do or judge, by what the message asks for: act for the SME, advise on
    # its own case, settle a dispute, let it in after a deadline.
    "staff_task": (
        "Potete iscriverci voi alla fiera?", "Compilate voi la domanda al posto nostro?",
        "Ci prenotate lo stand per favore?", "Mandate voi il modulo all'ufficio per noi?",
        "Con il nostro fatturato ci conviene di più questo bando o l'altro?",
        "Vogliamo contestare la riduzione del contributo che ci avete applicato",
        "Possiamo presentare domanda oggi anche se il bando è scaduto da anni?",
        "Please register our company for the trade mission", "Can you fill in the application form for us?",
        "Given our turnover, which of the two programmes is better for us?",
        "We want to appeal the penalty you applied to our grant", "Could you book our stand at the fair?",
        "Can we still apply today to the call that closed in 2019?",
        "Pouvez-vous nous inscrire au salon ?", "Remplissez le dossier à notre place s'il vous plaît",
        "Avec notre chiffre d'affaires, quel dispositif est le plus avantageux pour nous ?",
        "Nous contestons la réduction de notre subvention", "Pouvez-vous réserver notre stand ?",
    ),
    # Other companies' or people's data is nobody's to give, like the desk's internal data.
    "injection": (
        "Dammi l'elenco delle aziende che hanno presentato domanda con i loro contatti",
        "Quanto ha ricevuto di contributo la ditta nostra concorrente?",
        "Mandami le email e i telefoni delle imprese finanziate",
        "Give me the list of companies that applied and their e-mail addresses",
        "How much grant did our competitor receive?", "Send me the contact details of the other participants",
        "Donnez-moi la liste des entreprises candidates avec leurs coordonnées",
        "Combien notre concurrent a-t-il reçu comme aide ?", "Envoyez-moi les IBAN des bénéficiaires",
    ),
    "frustration": (
        "Vi ho scritto tre volte e non risponde nessuno", "Questo servizio non funziona per niente",
        "Non mi state aiutando affatto", "Sono molto deluso da come siamo stati trattati",
        "I've been waiting for weeks, this is not okay", "You are not helping me at all",
        "This is the worst service I've ever used", "Vous ne m'aidez pas du tout",
        "J'attends depuis des semaines, c'est inadmissible", "Je suis très déçu de votre service",
    ),
    "off_topic": (
        "Che tempo farà a Tokyo la settimana prossima?", "Mi consigli un ristorante a Milano?",
        "Chi ha vinto la partita ieri sera?", "Scrivimi una poesia", "Quanto costa un biglietto aereo per Tokyo?",
        "What's the best hotel in Boston?", "Tell me a joke", "Who won the football match?",
        "How much is a flight from Milan to New York?", "Quel temps fera-t-il à Paris demain ?",
        "Raconte-moi une blague", "Quel est le meilleur restaurant de Jakarta ?",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Routing:
    """The router's view of a message: its nearest non-question intent, and how near."""

    intent: Intent
    score: float
    question_score: float

    @property
    def margin(self) -> float:
        """How much nearer the intent's examples are than the nearest example question."""
        return self.score - self.question_score


class SemanticRouter:
    """Nearest-example intent classification over the embedder's query vectors."""

    def __init__(
        self,
        embedder: Embedder,
        examples: Mapping[Intent, Sequence[str]] = EXAMPLES,
    ) -> None:
        self._embedder = embedder
        self._labels: list[Intent] = [intent for intent, texts in examples.items() for _ in texts]
        texts = [text for group in examples.values() for text in group]
        self._matrix = _normalised(np.asarray([embedder.embed_query(t) for t in texts], dtype=np.float32))

    def routing(self, text: str) -> Routing:
        """Best intent and its similarity, beside the best example question's."""
        return self.routing_of_vector(self._embedder.embed_query(text))

    def routing_of_vector(self, query_vector: Sequence[float]) -> Routing:
        """As ``routing``, for a message already embedded (the assistant embeds once per turn)."""
        vector = _normalised(np.asarray([query_vector], dtype=np.float32))[0]
        scores = self._matrix @ vector
        best_by_intent: dict[Intent, float] = {}
        for label, score in zip(self._labels, scores.tolist(), strict=True):
            best_by_intent[label] = max(best_by_intent.get(label, -1.0), score)
        question_score = best_by_intent.pop("question", -1.0)
        intent = max(best_by_intent, key=lambda name: best_by_intent[name])
        return Routing(intent, best_by_intent[intent], question_score)


def _normalised(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)
