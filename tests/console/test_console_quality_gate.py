"""A console upload or re-ingest that answers the golden questions worse is not published."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from doubles.console import login, new_account
from fastapi.testclient import TestClient

from api.services import Services
from api.settings import QualitySettings
from api.web.app import create_app

FAQ = b"# FAQ\n\n## Quando arriva il contributo Tessile Blu?\nIl contributo Tessile Blu arriva entro 77 giorni.\n"
WORSE = b"# FAQ\n\n## Serve la visura camerale?\nSi, la visura camerale aggiornata e obbligatoria.\n"


def test_an_upload_that_loses_a_golden_answer_is_refused(
    make_services: Callable[..., Services], tmp_path: Path
) -> None:
    golden = tmp_path / "golden.jsonl"
    golden.write_text(json.dumps({
        "id": "g1", "lang": "it", "question": "Quando arriva il contributo Tessile Blu?", "answerable": True,
        "expected_doc": "faq.md", "expected_facts": ["77 giorni"],
    }), encoding="utf-8")  # fmt: skip
    services = make_services(quality=QualitySettings(golden_questions=golden))
    upload_dir = services.settings.upload_dir
    with TestClient(create_app(services=services), raise_server_exceptions=False) as client:
        csrf = login(client, new_account(services, "staff").email)

        def upload(data: bytes) -> str:
            page = client.post("/console/knowledge/upload", data={"csrf_token": csrf}, files={"file": ("faq.md", data)})
            assert page.status_code == 200
            return page.text

        assert "Documento caricato e indicizzato" in upload(FAQ)
        refused = upload(WORSE)
        assert "Non pubblicato" in refused and "no longer right: g1" in refused
        assert (upload_dir / "faq.md").read_bytes() == FAQ  # the published file is untouched
        assert not any((upload_dir / ".pending").iterdir())
        reply = services.assistant().reply(
            services.assistant().start("web", "sme"), "Quando arriva il contributo Tessile Blu?"
        )
        assert "77 giorni" in reply.text

        # Whoever changes the folder by hand meets the same gate on re-ingest.
        (upload_dir / "faq.md").write_bytes(WORSE)
        again = client.post("/console/knowledge/reingest", data={"csrf_token": csrf})
        assert "Non pubblicato" in again.text
        assert "77 giorni" in services.assistant().reply(services.assistant().start("web", "sme2"),
                                                           "Quando arriva il contributo Tessile Blu?").text  # fmt: skip
