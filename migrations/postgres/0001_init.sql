-- JustClone Hub schema (PostgreSQL). Timestamps are unix milliseconds (bigint) so the
-- same queries run on both backends. Authorship columns hold member *names* so that
-- deleting a member keeps the history readable.

create table members (
    id           bigint generated always as identity primary key,
    name         text not null unique,
    kind         text not null check (kind in ('agent', 'human')),
    role         text not null default '',
    capabilities jsonb not null default '[]',
    admin        boolean not null default false,
    created_at   bigint not null,
    updated_at   bigint not null
);

create table api_tokens (
    id          bigint generated always as identity primary key,
    member_id   bigint not null references members (id) on delete cascade,
    token_hash  text not null unique,
    label       text not null default '',
    created_at  bigint not null,
    revoked_at  bigint
);
create index api_tokens_member on api_tokens (member_id);

create table projects (
    id          bigint generated always as identity primary key,
    name        text not null unique,
    key         text not null unique,
    description text not null default '',
    task_seq    bigint not null default 0,
    created_by  text not null,
    created_at  bigint not null,
    updated_at  bigint not null
);

create table project_members (
    project_id bigint not null references projects (id) on delete cascade,
    member_id  bigint not null references members (id) on delete cascade,
    added_by   text not null,
    added_at   bigint not null,
    primary key (project_id, member_id)
);
create index project_members_member on project_members (member_id);

create table tasks (
    id          bigint generated always as identity primary key,
    project_id  bigint not null references projects (id) on delete cascade,
    seq         bigint not null,
    title       text not null,
    description text not null default '',
    status      text not null,
    priority    text not null,
    assignee    text,
    summary     text,
    created_by  text not null,
    updated_by  text not null,
    created_at  bigint not null,
    updated_at  bigint not null,
    unique (project_id, seq)
);
create index tasks_project_activity on tasks (project_id, updated_at desc, id desc);
create index tasks_project_status on tasks (project_id, status, updated_at desc, id desc);
create index tasks_assignee on tasks (assignee, status, updated_at desc);

create table plans (
    task_id    bigint primary key references tasks (id) on delete cascade,
    content    text not null,
    created_by text not null,
    updated_by text not null,
    created_at bigint not null,
    updated_at bigint not null
);

create table results (
    task_id    bigint primary key references tasks (id) on delete cascade,
    content    text not null,
    created_by text not null,
    updated_by text not null,
    created_at bigint not null,
    updated_at bigint not null
);

create table context (
    project_id bigint not null references projects (id) on delete cascade,
    key        text not null,
    value      jsonb not null,
    updated_by text not null,
    updated_at bigint not null,
    primary key (project_id, key)
);

create table sessions (
    id          bigint generated always as identity primary key,
    project_id  bigint not null references projects (id) on delete cascade,
    member_name text not null,
    started_at  bigint not null,
    ended_at    bigint,
    summary     text
);
create index sessions_project on sessions (project_id, started_at desc);
create index sessions_open on sessions (project_id, member_name) where ended_at is null;

create table messages (
    id          bigint generated always as identity primary key,
    project_id  bigint not null references projects (id) on delete cascade,
    sender      text not null,
    recipient   text not null,
    content     text not null,
    created_at  bigint not null,
    read_at     bigint
);
create index messages_project on messages (project_id, id desc);
create index messages_inbox on messages (project_id, recipient, id) where read_at is null;
create index messages_recipient on messages (project_id, recipient, id desc);

create table memories (
    id          bigint generated always as identity primary key,
    project_id  bigint references projects (id) on delete cascade,
    scope       text not null check (scope in ('project', 'global')),
    category    text not null,
    key         text not null,
    value       text not null,
    tier        text not null check (tier in ('hot', 'deep')),
    usage_count bigint not null default 0,
    last_used   bigint,
    created_by  text not null,
    updated_by  text not null,
    created_at  bigint not null,
    updated_at  bigint not null,
    check ((scope = 'global') = (project_id is null))
);
create unique index memories_project_key on memories (project_id, key) where project_id is not null;
create unique index memories_global_key on memories (key) where project_id is null;
create index memories_project_tier on memories (project_id, tier) where project_id is not null;
create index memories_global_tier on memories (tier) where project_id is null;

create table memory_usage (
    memory_id   bigint not null references memories (id) on delete cascade,
    member_id   bigint not null references members (id) on delete cascade,
    usage_count bigint not null default 0,
    last_used   bigint not null,
    primary key (member_id, memory_id)
);
create index memory_usage_memory on memory_usage (memory_id);

create table events (
    id         bigint generated always as identity primary key,
    project_id bigint references projects (id) on delete cascade,
    actor      text not null,
    entity     text not null,
    entity_key text not null,
    action     text not null,
    detail     jsonb not null default '{}',
    created_at bigint not null
);
create index events_project on events (project_id, id desc);
create index events_entity on events (project_id, entity, entity_key, id desc);
