-- Indexes that keep large projects fast: the jc_start briefing reads a few rows in order
-- instead of ranking a whole project, and memory search finds exact keys directly.
-- Active tasks, the caller's own first: one range per (assignee, status).
create index tasks_project_assignee on tasks (project_id, assignee, status, updated_at desc, id desc);
-- Hot cache, part 1: the memories this member used, most used first.
create index memory_usage_rank on memory_usage (member_id, usage_count desc, last_used desc);
-- Hot cache, part 2: hot memories by everyone's use, then recency.
create index memories_hot_project on memories
    (project_id, usage_count desc, (coalesce(last_used, updated_at)) desc, id desc)
    where tier = 'hot' and project_id is not null;
create index memories_hot_global on memories
    (usage_count desc, (coalesce(last_used, updated_at)) desc, id desc)
    where tier = 'hot' and project_id is null;
-- Memory search ranks a bounded set of substring matches plus the exact key match,
-- found here whatever its case.
create index memories_lower_key on memories (lower(key));
