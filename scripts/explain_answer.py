"""Shows how the extractive composer reads a question and scores the units it could quote.

    .venv/bin/python scripts/explain_answer.py "quali spese sono rimborsate?" [-k 5] [--top 15]

For tuning the composer on a real question: what is asked (parts, kinds, costs), the
passages retrieved, every unit's rules score, the learned ranker's probability, kinds and
cost polarity, and the answer.
"""

from __future__ import annotations

import argparse

from api.services import build_services
from api.settings import Settings
from bot.answers.composers.extractive import ExtractiveComposer
from bot.answers.composers.line_ranker import LineRanker, line_features
from bot.conversation.understanding import turn_language


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("question")
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    services = build_services(Settings())
    try:
        passages = services.searcher.search(args.question, k=args.k).passages
        language = turn_language(args.question, None)
        ranker = LineRanker.bundled()
        composer = ExtractiveComposer(ranker=ranker)
        reading = composer.read(args.question, language, passages)
        ask = reading.ask
        print(f"language {language} · parts {ask.parts} · kinds {[sorted(k) for k in ask.kinds]} · costs {ask.costs}")
        for i, p in enumerate(passages):
            print(f"[{i}] {p.source.rsplit('/', 1)[-1]} {p.language} {p.section[-1:] if p.section else ''}")
        scorer, units = composer.lead_candidates(reading)
        for unit in sorted(units, key=lambda u: -scorer(u))[: args.top]:
            likely = ranker.probability(line_features(scorer, unit, reading.ranked)) if ranker else float("nan")
            print(f"{scorer(unit):6.2f} p={likely:.2f} p{unit.passage} {sorted(unit.signals)} {unit.polarity} "
                  f"| {unit.text[:100]}")  # fmt: skip
        print("---")
        print(composer.compose(args.question, language, passages).text)
    finally:
        services.close()


if __name__ == "__main__":
    main()
