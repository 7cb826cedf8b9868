-- Where each record version comes from (a direct edit, a change request, an import, a
-- transfer…), written by the version writer. Versions written before carry 'legacy'.
ALTER TABLE record_versions ADD COLUMN source TEXT NOT NULL DEFAULT 'legacy';
ALTER TABLE record_versions ADD COLUMN source_ref TEXT;
