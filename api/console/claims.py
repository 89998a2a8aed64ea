"""The console's reimbursement claims: the queue and each claim's dossier (docs/claims.md)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
