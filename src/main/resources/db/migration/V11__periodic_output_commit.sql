-- Periodic checkpointing may hold the guest's network output until the epoch after it is durable
-- (Remus's output commit): the choice is part of the request, so a schedule recovery continues keeps it.
ALTER TABLE operations ADD COLUMN output_commit BOOLEAN DEFAULT FALSE NOT NULL;
