"""The conversation: the front door every channel's inbound events go through, what a message
means (understanding, router), what to do about it (policy, handoff), the assistant's turn,
and the conversation store the door writes to. Channels use ``front_door``; nothing outside
this package and the desk writes the store."""
