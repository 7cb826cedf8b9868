-- What each record's current document shows of its quality ("Đúng, Đủ, Sạch, Sống", LS Đ3.2,
-- Đ13.4): wrong values, fields filled per section, unclean values (hoso_domain::data_quality::
-- DocumentQuality as JSON in `findings`). Written by the daily alert job for every record and
-- by the data-quality view for a record whose version moved since; derived, rebuildable. What
-- changes without the document (approval, duplicates, staleness, overdue deadlines) is read
-- when asked.
CREATE TABLE data_quality (
    person_id BIGINT PRIMARY KEY REFERENCES persons(id),
    version BIGINT NOT NULL,
    computed_for TEXT NOT NULL,
    fields_expected BIGINT NOT NULL,
    fields_filled BIGINT NOT NULL,
    findings TEXT NOT NULL
);
-- Duplicates: records with the same folded name and birth date.
CREATE INDEX persons_name_birth ON persons(search_key, date_of_birth);
