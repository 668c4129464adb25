"""Post-purchase issues (discussions and claims): inbox, detail, replies, claim decisions, deadlines."""
