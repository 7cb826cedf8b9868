-- Substring search on the folded name ("van dat" inside "nguyen van dat") through an FTS5
-- trigram index kept in step with persons by triggers.
CREATE VIRTUAL TABLE persons_name_fts USING fts5(search_key, content='persons', content_rowid='id', tokenize='trigram');
INSERT INTO persons_name_fts(rowid, search_key) SELECT id, search_key FROM persons;
CREATE TRIGGER persons_name_fts_insert AFTER INSERT ON persons BEGIN
    INSERT INTO persons_name_fts(rowid, search_key) VALUES (new.id, new.search_key);
END;
CREATE TRIGGER persons_name_fts_delete AFTER DELETE ON persons BEGIN
    INSERT INTO persons_name_fts(persons_name_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
END;
CREATE TRIGGER persons_name_fts_update AFTER UPDATE OF search_key ON persons BEGIN
    INSERT INTO persons_name_fts(persons_name_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
    INSERT INTO persons_name_fts(rowid, search_key) VALUES (new.id, new.search_key);
END;
