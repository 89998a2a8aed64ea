"""The widget's reimbursement claim: files sent one per request, the checklist, the submission
(contract: docs/web.md, "Claims"). Every step goes through ``bot.claims.desk.ClaimDesk``."""

from __future__ import annotations

from fastapi import APIRouter

from api.web.protection import API_RESPONSES

router = APIRouter(prefix="/api/claim", tags=["claims"], responses=API_RESPONSES)
