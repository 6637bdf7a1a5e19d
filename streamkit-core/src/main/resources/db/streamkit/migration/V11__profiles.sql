-- Viewer profiles with parental controls. Standard SQL for H2 2.x and PostgreSQL 12+.

-- owner_id: the viewer (a playback token's subject) whose profiles these are; name is unique per owner.
-- max_maturity_rank: the most mature rating the profile may watch, as a position on MaturityRating's ordered scale
-- (0 = G ... 4 = NC-17), compared with streamkit_titles.maturity_rank; NULL = no limit.
-- A profile's watch progress is kept in streamkit_progress under the profile's own id as the viewer id, so it needs
-- no column here; deleting a profile deletes that progress in the same transaction.
CREATE TABLE streamkit_profiles (
    id                UUID                     NOT NULL PRIMARY KEY,
    owner_id          VARCHAR(128)             NOT NULL,
    name              VARCHAR(64)              NOT NULL,
    max_maturity_rank SMALLINT,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX streamkit_profiles_by_owner_name ON streamkit_profiles (owner_id, name);
CREATE INDEX streamkit_profiles_by_owner ON streamkit_profiles (owner_id, created_at);
