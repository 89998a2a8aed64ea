"""The evaluation harness: how well Sportello finds, and (from the assistant issue) answers."""
