-- Periodic checkpointing: how many epochs started after their slot because the one before took
-- longer than the interval (the schedule slows down rather than queueing or dropping epochs).
ALTER TABLE operations ADD COLUMN epochs_late INTEGER DEFAULT 0 NOT NULL;
