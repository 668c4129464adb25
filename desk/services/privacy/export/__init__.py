"""The per-buyer export (GDPR Art. 15 access and Art. 20 portability): collect, package, store."""
