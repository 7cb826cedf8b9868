-- Lists of people are ordered as Vietnamese lists are: by tên, then họ and đệm, in the
-- Vietnamese alphabet (hoso_domain::collation). The key is computed in Rust; existing rows get
-- theirs from the projection rebuild that the changed layout fingerprint starts.
ALTER TABLE persons ADD COLUMN sort_key TEXT {{C}} NOT NULL DEFAULT '';
CREATE INDEX persons_sort_order ON persons(sort_key, id);
