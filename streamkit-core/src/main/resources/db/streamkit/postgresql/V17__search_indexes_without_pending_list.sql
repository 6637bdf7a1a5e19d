-- PostgreSQL only: H2 searches by substring (see H2Dialect) and has none of these indexes.
-- The GIN indexes a catalog search reads (V8's on search_document, V15's on name_document and on the category list)
-- no longer collect new entries in a pending list. With the default fastupdate = on, a title's entries wait in that
-- list until VACUUM (or autovacuum, or the list passing gin_pending_list_limit, 4 MB by default) moves them into the
-- index, and every search through the index reads the whole list meanwhile (PostgreSQL manual, "GIN
-- Fast Update Technique": "if consistent response time is more important than update speed, use of pending entries
-- can be disabled"). Measured after seeding 100 000 titles: 350 buffers and ~40 000 pending entries read per name
-- lookup that otherwise reads 3 buffers (benchmarks/README.md). Titles are written rarely and searched often, so
-- each write now updates the indexes at once.
ALTER INDEX streamkit_titles_search SET (fastupdate = off);
ALTER INDEX streamkit_titles_name_search SET (fastupdate = off);
ALTER INDEX streamkit_titles_categories SET (fastupdate = off);
-- Turning it off keeps what is already pending (manual, CREATE INDEX, "fastupdate"): move that into the indexes now.
SELECT gin_clean_pending_list('streamkit_titles_search'::regclass);
SELECT gin_clean_pending_list('streamkit_titles_name_search'::regclass);
SELECT gin_clean_pending_list('streamkit_titles_categories'::regclass);
