"""Orders: the list and detail pages, the sync of checkout forms, and writes back to Allegro."""
