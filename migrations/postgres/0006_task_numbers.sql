-- Task numbers from a sequence per project, task_seq_<project id>, so that adding a task is
-- one statement: nextval neither locks the project's row nor waits for a commit. Until
-- now the number was taken by updating projects.task_seq in a transaction of its own
-- (committed without waiting for its WAL flush, so that adds to one project did not queue
-- on that row through each other's flush): a second round trip and a second commit per
-- add. A number is never handed out twice; like before, an add that fails leaves a gap,
-- and so may a crash (a sequence logs ahead by up to 32 values).
-- projects.task_seq stays: it starts a new project's sequence (a restored backup sets
-- it), and a backup reads the sequence's last value, falling back to it.
create function project_task_numbers() returns trigger language plpgsql as $$
begin
    -- Beside the projects table, whatever the session's search_path. "if not exists": a
    -- data-only pg_restore with triggers on finds it made already.
    if tg_op = 'INSERT' then
        execute format('create sequence if not exists %I.%I start %s',
                       tg_table_schema, 'task_seq_' || new.id, new.task_seq + 1);
    else
        execute format('drop sequence if exists %I.%I', tg_table_schema, 'task_seq_' || old.id);
    end if;
    return null;
end
$$;
create trigger projects_task_numbers_insert after insert on projects
    for each row execute function project_task_numbers();
create trigger projects_task_numbers_delete after delete on projects
    for each row execute function project_task_numbers();

do $$
declare
    p record;
begin
    for p in select id, task_seq from projects loop
        execute format('create sequence %I start %s', 'task_seq_' || p.id, p.task_seq + 1);
    end loop;
end
$$;
