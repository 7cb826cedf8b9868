-- Substring search on the folded name through a pg_trgm GIN index, which serves
-- LIKE '%…%'. Installing the extension needs privileges a deployment may not grant: without it
-- search still works, by scanning.
DO $$
DECLARE
    trgm_schema TEXT;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
    EXCEPTION WHEN insufficient_privilege OR undefined_file OR unique_violation OR duplicate_object THEN
        -- Not installable here, or a concurrent migration is installing it right now.
        RAISE NOTICE 'pg_trgm not installed by this migration';
    END;
    SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX persons_search_trgm ON persons USING gin (search_key %I.gin_trgm_ops)', trgm_schema);
    END IF;
END
$$;
