"""policylens."""
