-- The hot cache's ranking in a narrow table of its own, as PostgreSQL's 0005 and 0007.
-- The hot cache's first part breaks the ties among a member's most used memories by
-- everyone's use, then recency: with the counters only on memories, each tied memory's
-- whole row was read by rowid (572 of them at the bench's scale: 0.87 ms a call, 0.21 ms
-- reading the same keys from this table). One row per hot memory with the ranking's keys,
-- kept by triggers on memories; one partial index per scope in the hot cache's order
-- replaces memories_hot_project and memories_hot_global, so a recall still updates two
-- ranking index entries, now in this table.
create table memory_rank (
    memory_id   integer primary key,
    project_id  integer,
    usage_count integer not null,
    ranked_at   integer not null
);
create index memory_rank_project on memory_rank
    (project_id, usage_count desc, ranked_at desc, memory_id desc)
    where project_id is not null;
create index memory_rank_global on memory_rank
    (usage_count desc, ranked_at desc, memory_id desc)
    where project_id is null;

create trigger memories_rank_insert after insert on memories
    when new.tier = 'hot'
begin
    insert into memory_rank (memory_id, project_id, usage_count, ranked_at)
    values (new.id, new.project_id, new.usage_count, coalesce(new.last_used, new.updated_at))
    on conflict (memory_id) do update set
        usage_count = excluded.usage_count, ranked_at = excluded.ranked_at;
end;
create trigger memories_rank_update after update of tier, usage_count, last_used, updated_at
    on memories when new.tier = 'hot'
begin
    insert into memory_rank (memory_id, project_id, usage_count, ranked_at)
    values (new.id, new.project_id, new.usage_count, coalesce(new.last_used, new.updated_at))
    on conflict (memory_id) do update set
        usage_count = excluded.usage_count, ranked_at = excluded.ranked_at;
end;
create trigger memories_rank_demote after update of tier on memories
    when old.tier = 'hot' and new.tier <> 'hot'
begin
    delete from memory_rank where memory_id = old.id;
end;
-- A project's deletion deletes its memories by foreign-key cascade, which fires this too.
create trigger memories_rank_delete after delete on memories
    when old.tier = 'hot'
begin
    delete from memory_rank where memory_id = old.id;
end;

insert into memory_rank (memory_id, project_id, usage_count, ranked_at)
select id, project_id, usage_count, coalesce(last_used, updated_at)
from memories where tier = 'hot';

drop index memories_hot_project;
drop index memories_hot_global;
