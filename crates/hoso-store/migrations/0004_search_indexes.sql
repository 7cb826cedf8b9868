-- Name lists are ordered by the folded name, then id: an index that serves that order directly.
CREATE INDEX persons_search_order ON persons(search_key, id);
