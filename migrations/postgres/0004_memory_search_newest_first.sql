-- Memory search newest first. A GIN index answers with a bitmap of every match before
-- the first row, so with trigram indexes over the whole table a phrase common in a
-- million memories cost what all its matches cost, though a search ranks only 500.
-- This one index keys each memory's trigrams (of its key and value together) by its id's
-- bucket of 65,536 ids (`id >> 16`, through btree_gin), so the hub probes the buckets
-- from the newest, one index scan each, and stops once it has the 500 it ranks. The
-- `like` on key and on value stays the exact test. btree_gin, like pg_trgm, is a
-- trusted extension that ships with PostgreSQL; both may live in another schema, so the
-- operator classes are qualified with wherever they are. Building the index takes about
-- 15 s per million memories.
-- Every scan of a GIN index also reads all of its pending list (new entries not yet
-- merged), and a search scans once per bucket: with the default 4 MB list, 3,000 new
-- memories made a miss at a million memories take 108 ms instead of 2. With a 64 kB
-- list it took 2.4 ms, for about 0.1 ms more per write than the default (merging more
-- often; with no list at all, 0.5 ms more).
create extension if not exists btree_gin;
do $$
declare
    trgm_schema text;
    btree_schema text;
begin
    select n.nspname into trgm_schema
    from pg_extension e join pg_namespace n on n.oid = e.extnamespace
    where e.extname = 'pg_trgm';
    select n.nspname into btree_schema
    from pg_extension e join pg_namespace n on n.oid = e.extnamespace
    where e.extname = 'btree_gin';
    execute format(
        'create index memories_search on memories using gin
             ((id >> 16) %I.int8_ops, (lower(key) || '' '' || lower(value)) %I.gin_trgm_ops)
         with (gin_pending_list_limit = 64)',
        btree_schema, trgm_schema);
end
$$;
drop index memories_key_trgm;
drop index memories_value_trgm;
