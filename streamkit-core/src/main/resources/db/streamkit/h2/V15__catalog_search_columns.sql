-- H2 half of V15; the PostgreSQL half (db/streamkit/postgresql) also has a name-only text search index, which H2,
-- searching by substring (see H2Dialect), has no use for, and an index on the list as an array; H2 filters by
-- category through streamkit_title_categories.
-- A title's categories once more, in its own row, sorted and comma-separated (NULL for none), so a search counts the
-- categories of its candidates from the rows it has read already instead of one lookup in
-- streamkit_title_categories per candidate. That table stays the one filters and reads use; JdbcCatalog writes both
-- in one transaction. 1 300 characters hold TitleMetadata.MAX_CATEGORIES slugs of MAX_CATEGORY_LENGTH and commas.
ALTER TABLE streamkit_titles ADD COLUMN category_list VARCHAR(1300);
UPDATE streamkit_titles t SET category_list = (SELECT LISTAGG(c.category, ',') WITHIN GROUP (ORDER BY c.category)
    FROM streamkit_title_categories c WHERE c.title_id = t.id);
