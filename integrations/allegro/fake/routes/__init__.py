"""The fake's REST and OAuth endpoints: one Flask blueprint per API area."""
