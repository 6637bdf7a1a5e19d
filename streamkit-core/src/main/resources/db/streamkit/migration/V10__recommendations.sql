-- Recommendations, precomputed from watch progress by io.streamkit.core.recommend.Recommender. Standard SQL for
-- H2 2.x and PostgreSQL 12+. Every table is replaced as a whole in one transaction by each recomputation, so
-- readers see one computation or the next, never a mix.

-- Item-to-item co-watching: for each title, its most similar titles (cosine over the viewers who watched both),
-- best first (rank 1 is the most similar).
CREATE TABLE streamkit_title_neighbours (
    title_id     UUID             NOT NULL REFERENCES streamkit_titles (id) ON DELETE CASCADE,
    neighbour_id UUID             NOT NULL REFERENCES streamkit_titles (id) ON DELETE CASCADE,
    neighbour_rank INTEGER        NOT NULL,
    score        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (title_id, neighbour_id)
);
CREATE INDEX streamkit_title_neighbours_by_rank ON streamkit_title_neighbours (title_id, neighbour_rank);

-- "Popular now": time-decayed plays per title.
CREATE TABLE streamkit_title_popularity (
    title_id UUID             NOT NULL PRIMARY KEY REFERENCES streamkit_titles (id) ON DELETE CASCADE,
    score    DOUBLE PRECISION NOT NULL
);
CREATE INDEX streamkit_title_popularity_by_score ON streamkit_title_popularity (score);

-- One row: when the tables above were last computed, and which node holds the lease to compute them next, so that
-- of several servers sharing the database one recomputes per period (a conditional UPDATE claims the lease).
CREATE TABLE streamkit_recommender_state (
    id          INTEGER                  NOT NULL PRIMARY KEY,
    computed_at TIMESTAMP WITH TIME ZONE,
    lease_owner VARCHAR(128),
    lease_until TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO streamkit_recommender_state (id, computed_at, lease_owner, lease_until)
    VALUES (1, NULL, NULL, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00');
