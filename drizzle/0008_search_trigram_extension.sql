-- pg_trgm's gin_trgm_ops lets "contains" searches (`lower(x) like '%term%'`) use an index
-- (migration 0009) instead of reading every row of the shop. It is a trusted extension
-- (PostgreSQL 13+): the database owner creates it without superuser, and the managed
-- Postgres services allow it. The embedded PGlite loads its bundle when it opens
-- (app/db/client.server.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
