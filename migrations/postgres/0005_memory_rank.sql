-- The hot cache's ranking in a narrow table of its own, so that a recall, which bumps a
-- memory's usage_count and last_used, updates the memory's row in place. PostgreSQL can
-- only do that (a HOT update) when no index of the table holds a changed column; the two
-- hot-cache indexes of 0003 held both, so every recall wrote a new row version with an
-- entry in each of the table's indexes, the trigram search index's many included.
-- memory_rank holds one row per hot memory with the hot cache's sort keys; triggers on
-- memories keep it, so no statement has to. A recall now writes the memory's row in place
-- and a two-index row here. memories keeps its own usage_count and last_used, which every
-- other read (search's ranking, the memory lists, the hot cache's first part) uses.
-- No foreign key: its check on every insert would lock the memory's row; the delete
-- trigger does the cascade's work, for a project's deletion too.
create table memory_rank (
    memory_id   bigint primary key,
    project_id  bigint,
    usage_count bigint not null,
    ranked_at   bigint not null
);
-- Hot memories of a project (or, with project_id null, global ones) by everyone's use,
-- then recency: the hot cache's second part reads it in order.
create index memory_rank_order on memory_rank
    (project_id, usage_count desc, ranked_at desc, memory_id desc);

create function memory_rank_keep() returns trigger language plpgsql as $$
begin
    if tg_op <> 'DELETE' and new.tier = 'hot' then
        insert into memory_rank (memory_id, project_id, usage_count, ranked_at)
        values (new.id, new.project_id, new.usage_count, coalesce(new.last_used, new.updated_at))
        on conflict (memory_id) do update set
            usage_count = excluded.usage_count, ranked_at = excluded.ranked_at;
    else
        delete from memory_rank where memory_id = old.id;
    end if;
    return null;
end
$$;
create trigger memories_rank_insert after insert on memories
    for each row when (new.tier = 'hot') execute function memory_rank_keep();
create trigger memories_rank_update after update of tier, usage_count, last_used, updated_at
    on memories for each row
    when (new.tier = 'hot' or old.tier = 'hot') execute function memory_rank_keep();
create trigger memories_rank_delete after delete on memories
    for each row when (old.tier = 'hot') execute function memory_rank_keep();

insert into memory_rank (memory_id, project_id, usage_count, ranked_at)
select id, project_id, usage_count, coalesce(last_used, updated_at)
from memories where tier = 'hot';

drop index memories_hot_project;
drop index memories_hot_global;
