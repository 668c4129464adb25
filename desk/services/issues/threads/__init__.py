"""Message Center threads (`/messaging`) as conversations of the one inbox: their sync, storage
and replies. A thread is stored in the same model as a discussion or a claim (source `messaging`),
so queues, assignment, templates, notes and deadlines work the same for every kind."""
