"""Framework-free clients for the outside services the desk talks to (Allegro, carriers)."""
