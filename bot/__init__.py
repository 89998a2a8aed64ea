"""The assistant and the desk behind it, channel-agnostic: ``conversation`` (the front door,
understanding, policy, the turn, the store), ``answers`` (composers, catalog and curated
answers), ``desk`` (staff, FAQ loop, analytics, privacy, audit), ``outbound`` (outbox,
e-mail, alerts), ``evaluation``; ``telegram`` is the Telegram channel's adapter.
"""
