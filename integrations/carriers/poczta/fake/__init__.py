"""The fake poczta server a test starts on 127.0.0.1 (Flask)."""
