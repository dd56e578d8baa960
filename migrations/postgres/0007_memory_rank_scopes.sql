-- The hot cache reads a project's hot memories and the global ones (project_id null),
-- each part in order of use up to its cap. 0005's one index, led by project_id, served
-- the project part; but the planner orders by an index's later columns only after an
-- equality on the leading one, and `project_id is null` is not one, so the global part
-- read every global hot memory and sorted them, on each jc_start of a member who had used
-- fewer than 30 hot memories (20,100 global hot memories: 8 ms; with this index 0.13 ms).
-- One partial index per scope in the hot cache's order, as SQLite has had since its 0003.
create index memory_rank_project on memory_rank
    (project_id, usage_count desc, ranked_at desc, memory_id desc)
    where project_id is not null;
create index memory_rank_global on memory_rank
    (usage_count desc, ranked_at desc, memory_id desc)
    where project_id is null;
drop index memory_rank_order;
