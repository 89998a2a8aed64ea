"""The answers: composers (extractive, language model, grounding checks), the catalog's computed
answers, curated FAQ answers and the reimbursement rules the assistant answers from."""
