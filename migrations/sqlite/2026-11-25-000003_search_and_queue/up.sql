-- Free-text search over contacts. LIKE '%…%' reads every contact; a trigram
-- index finds the few that hold the text. The index holds no copy of the
-- text (content='contacts'); the triggers keep it in step, and an erased
-- contact is taken out of it with its old values.
CREATE VIRTUAL TABLE contact_search USING fts5(
    name, email_normalized, company,
    content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO contact_search (contact_search) VALUES ('rebuild');

CREATE TRIGGER contact_search_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contact_search (rowid, name, email_normalized, company)
    VALUES (new.id, new.name, new.email_normalized, new.company);
END;

CREATE TRIGGER contact_search_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contact_search (contact_search, rowid, name, email_normalized, company)
    VALUES ('delete', old.id, old.name, old.email_normalized, old.company);
END;

-- A repeat request rewrites a contact's details; only a real change touches
-- the index.
CREATE TRIGGER contact_search_update AFTER UPDATE OF name, email_normalized, company ON contacts
WHEN old.name IS NOT new.name
  OR old.email_normalized IS NOT new.email_normalized
  OR old.company IS NOT new.company
BEGIN
    INSERT INTO contact_search (contact_search, rowid, name, email_normalized, company)
    VALUES ('delete', old.id, old.name, old.email_normalized, old.company);
    INSERT INTO contact_search (rowid, name, email_normalized, company)
    VALUES (new.id, new.name, new.email_normalized, new.company);
END;
