"""The assistant: turn understanding, the answer/clarify/hand-off policy, composers,
conversation storage and channels. This issue ships its evaluation harness
(``bot.evaluation``); the assistant itself lands with the next issue.
"""
