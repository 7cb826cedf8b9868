-- Searches and reports saved by name (issue 12: "saved searches, personal or shared with one's
-- unit"): the page address that runs them (the staff list, the report builder, a statutory
-- form), its owner, and the unit it is shared with, if any. A saved search stores the question,
-- never an answer: whoever opens it gets it run within their own rights.
CREATE TABLE saved_searches (
    id {{ID}},
    account_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    link TEXT NOT NULL,
    shared_unit_id BIGINT REFERENCES org_units(id),
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX saved_searches_owner_name ON saved_searches (account_id, name);
CREATE INDEX saved_searches_shared ON saved_searches (shared_unit_id);
