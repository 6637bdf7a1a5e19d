-- PostgreSQL half of V15; the H2 half (db/streamkit/h2) has the same category list without the indexes.
-- A title's categories once more, in its own row, sorted and comma-separated (NULL for none), so a search counts the
-- categories of its candidates from the rows it has read already instead of one lookup in
-- streamkit_title_categories per candidate, and filters by category without one either. That table stays the one
-- reading a title uses; JdbcCatalog writes both in one transaction. 1 300 characters hold TitleMetadata.MAX_CATEGORIES slugs of MAX_CATEGORY_LENGTH and commas.
ALTER TABLE streamkit_titles ADD COLUMN category_list VARCHAR(1300);
UPDATE streamkit_titles t SET category_list = (SELECT string_agg(c.category, ',' ORDER BY c.category)
    FROM streamkit_title_categories c WHERE c.title_id = t.id);
-- The list as an array (PostgreSQL manual, section 9.19), for the category filters of a search (PostgresDialect):
-- rare categories are found through this index, possibly ANDed with the text index, common ones by reading the rows.
CREATE INDEX streamkit_titles_categories ON streamkit_titles USING GIN (string_to_array(category_list, ','));

-- The name alone as a text search document (PostgreSQL manual, chapter 12), for the name candidates of a search.
-- The V8 index on search_document holds name and description words alike and cannot tell weights apart, so
-- "the name has every word" (word:A) read through it visits every title whose description has the word and rechecks
-- it; this index finds the titles whose name has it and no others.
ALTER TABLE streamkit_titles ADD COLUMN name_document tsvector GENERATED ALWAYS AS (to_tsvector('simple', name)) STORED;
CREATE INDEX streamkit_titles_name_search ON streamkit_titles USING GIN (name_document);
