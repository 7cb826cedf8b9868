-- The province's own Word templates of the decisions and sheets Hoso prints (issue 13): one per
-- kind (`hoso_domain::templates::TemplateKind::slug`), the file kept in the attachment store by
-- its SHA-256. No row: the built-in template is used.
CREATE TABLE document_templates (
    kind TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
