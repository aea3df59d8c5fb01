"""Conversation reviews with a scorecard, each agent's coaching page and the training library."""
