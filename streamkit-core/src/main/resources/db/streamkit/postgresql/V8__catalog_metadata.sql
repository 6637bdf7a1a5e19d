-- PostgreSQL half of V8; the H2 half (db/streamkit/h2) has the same tables without the full-text column.
-- Title metadata viewers browse by, and an availability window. Columns are nullable: a title without them has no
-- year, is unrated and is available whenever it is published.
-- maturity_rank: the position of the rating on MaturityRating's ordered scale (0 = G ... 4 = NC-17), so a profile's
-- limit is one comparison; NULL = unrated, which no limit admits.
-- available_until is exclusive. regions: comma-separated ISO 3166-1 alpha-2 codes, NULL for everywhere.
ALTER TABLE streamkit_titles ADD COLUMN release_year INTEGER;
ALTER TABLE streamkit_titles ADD COLUMN maturity_rank SMALLINT;
ALTER TABLE streamkit_titles ADD COLUMN available_from TIMESTAMP WITH TIME ZONE;
ALTER TABLE streamkit_titles ADD COLUMN available_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE streamkit_titles ADD COLUMN regions VARCHAR(1000);

-- One row per category of a title; facet counts group by category, filters look titles up by it.
CREATE TABLE streamkit_title_categories (
    title_id UUID        NOT NULL REFERENCES streamkit_titles (id) ON DELETE CASCADE,
    category VARCHAR(64) NOT NULL,
    PRIMARY KEY (title_id, category)
);
CREATE INDEX streamkit_title_categories_by_category ON streamkit_title_categories (category, title_id);

-- Full-text search (PostgreSQL manual, chapter 12): the name weighs more than the description. The 'simple'
-- configuration folds case but neither stems nor drops stop words, so titles in any language match word for word.
-- A stored generated column stays right on every UPDATE of name or description without a trigger.
ALTER TABLE streamkit_titles ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', name), 'A') || setweight(to_tsvector('simple', description), 'B')) STORED;
CREATE INDEX streamkit_titles_search ON streamkit_titles USING GIN (search_document);
