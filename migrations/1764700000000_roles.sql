-- The tracker's own roles, so that no function connects as the database owner:
--   tracker_collector  the daily collection: reads and writes the tracker's rows (no DDL, no migrations table writes);
--   tracker_reader     reports, `sql` and BI tools: reads the tables and report views, nothing else; read-only by
--                      default, no temporary tables, and time limits so that no reader holds a lock (an advisory
--                      lock, or a long read before a migration) for long: 5 minutes per statement, 1 minute idle in a
--                      transaction, 15 minutes idle in a session.
-- Both are created NOLOGIN; a login (and its password) is given by whoever holds their secret: the deployed migrate
-- function from Secrets Manager, the local embedded database from its credentials file. Creating a role needs
-- CREATEROLE (the RDS master user has it): where the migrating user lacks it and nobody created the roles before, this
-- step says so in a notice and leaves them out, and everything runs as the migrating user, as before.
-- Up Migration
DO $roles$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['tracker_collector', 'tracker_reader'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT', role_name);
      EXCEPTION
        -- Another database of the same server created it at the same moment.
        WHEN duplicate_object OR unique_violation THEN NULL;
        WHEN insufficient_privilege THEN
          RAISE NOTICE 'Role % not created: % lacks CREATEROLE. The tracker runs as %.', role_name, current_user, current_user;
      END;
    END IF;
  END LOOP;

  -- The reader's defaults, set by whoever may (the role's creator, a superuser); others leave them as they are.
  -- Roles belong to the whole server: set only what is missing, and let a database that sets the same at the same
  -- moment win ("tuple concurrently updated").
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tracker_reader') AND NOT EXISTS (
    SELECT FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
    WHERE r.rolname = 'tracker_reader' AND s.setdatabase = 0
      AND s.setconfig @> ARRAY['default_transaction_read_only=on', 'statement_timeout=5min',
                               'idle_in_transaction_session_timeout=1min', 'idle_session_timeout=15min']
  ) THEN
    BEGIN
      ALTER ROLE tracker_reader SET default_transaction_read_only = on;
      ALTER ROLE tracker_reader SET statement_timeout = '5min';
      ALTER ROLE tracker_reader SET idle_in_transaction_session_timeout = '1min';
      ALTER ROLE tracker_reader SET idle_session_timeout = '15min';
    EXCEPTION
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'tracker_reader defaults not set: % may not alter the role.', current_user;
      WHEN internal_error THEN
        RAISE NOTICE 'tracker_reader defaults: another database set them at the same moment.';
    END;
  END IF;

  -- No reader fills the disk with the temporary files of a huge sort: 1 GB per session. Only a superuser may set
  -- this; on RDS the parameter group sets it for everyone (lib/constructs/database.ts).
  BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tracker_reader') AND NOT EXISTS (
      SELECT FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
      WHERE r.rolname = 'tracker_reader' AND s.setdatabase = 0 AND s.setconfig @> ARRAY['temp_file_limit=1GB']
    ) THEN
      ALTER ROLE tracker_reader SET temp_file_limit = '1GB';
    END IF;
  EXCEPTION
    WHEN insufficient_privilege THEN
      RAISE NOTICE 'tracker_reader temp_file_limit not set: % is not a superuser.', current_user;
    WHEN internal_error THEN
      RAISE NOTICE 'tracker_reader temp_file_limit: another database set it at the same moment.';
  END;

  -- Temporary tables only for the database owner (PUBLIC may create them by default; neither role is granted them).
  EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());

  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tracker_collector') THEN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO tracker_collector', current_database());
    GRANT USAGE ON SCHEMA public TO tracker_collector;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO tracker_collector;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO tracker_collector;
    -- It may see which migrations ran (to refuse to run on a stale schema), not record any.
    REVOKE INSERT, UPDATE, DELETE ON pgmigrations FROM tracker_collector;
    -- Tables and views the next migrations create (as this same migrating user).
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tracker_collector;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO tracker_collector;
  END IF;

  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tracker_reader') THEN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO tracker_reader', current_database());
    GRANT USAGE ON SCHEMA public TO tracker_reader;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO tracker_reader;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO tracker_reader;
  END IF;
END
$roles$;

-- Down Migration
DO $roles$
DECLARE
  role_name text;
BEGIN
  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
  FOREACH role_name IN ARRAY ARRAY['tracker_collector', 'tracker_reader'] LOOP
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
      EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM %I', role_name);
      EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM %I', role_name);
      EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', role_name);
      EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', role_name);
      EXECUTE format('REVOKE ALL ON SCHEMA public FROM %I', role_name);
      EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I', current_database(), role_name);
    END IF;
  END LOOP;
END
$roles$;
