-- A title's error message becomes its status reason: why it is in its current status, whether processing failed
-- (FAILED) or a moderator gave a reason (REJECTED, or PUBLISHED back to READY). One nullable column serves both
-- because a title has one status at a time and every status change replaces the reason. Standard SQL for H2 2.x and
-- PostgreSQL 12+.

ALTER TABLE streamkit_titles RENAME COLUMN error_message TO status_reason;
