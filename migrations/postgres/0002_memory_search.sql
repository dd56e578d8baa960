-- Memory search at scale: trigram indexes let `lower(key|value) like '%q%'` use an index
-- instead of scanning every memory, keeping literal-substring semantics. pg_trgm is a
-- trusted extension (PostgreSQL 13+): the database owner may create it. It may already
-- live in another schema (some hosts keep extensions in their own schema), so the
-- operator class is qualified with wherever it is.
create extension if not exists pg_trgm;
do $$
declare
    ext_schema text;
begin
    select n.nspname into ext_schema
    from pg_extension e join pg_namespace n on n.oid = e.extnamespace
    where e.extname = 'pg_trgm';
    execute format(
        'create index memories_key_trgm on memories using gin (lower(key) %I.gin_trgm_ops)',
        ext_schema);
    execute format(
        'create index memories_value_trgm on memories using gin (lower(value) %I.gin_trgm_ops)',
        ext_schema);
end
$$;
