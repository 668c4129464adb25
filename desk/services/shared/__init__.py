"""Infrastructure every area uses: cursors, quarantine, tokens at rest, e-mail, a small per-process cache."""
