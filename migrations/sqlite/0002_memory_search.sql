-- Memory search at scale: an FTS5 index with the trigram tokenizer answers substring
-- queries of 3+ characters (case-insensitive, wildcards literal) without scanning every
-- memory. It indexes the memories table's own rows (external content) and triggers keep
-- it in step; foreign-key cascades fire the delete trigger too.
create virtual table memories_fts using fts5(
    key, value, content = 'memories', content_rowid = 'id', tokenize = 'trigram'
);
create trigger memories_fts_insert after insert on memories begin
    insert into memories_fts (rowid, key, value) values (new.id, new.key, new.value);
end;
create trigger memories_fts_delete after delete on memories begin
    insert into memories_fts (memories_fts, rowid, key, value)
    values ('delete', old.id, old.key, old.value);
end;
create trigger memories_fts_update after update of key, value on memories begin
    insert into memories_fts (memories_fts, rowid, key, value)
    values ('delete', old.id, old.key, old.value);
    insert into memories_fts (rowid, key, value) values (new.id, new.key, new.value);
end;
insert into memories_fts (memories_fts) values ('rebuild');
