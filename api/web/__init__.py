"""The web channel: the chat API, the widget and the pages the app serves (``create_app``)."""
