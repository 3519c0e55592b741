-- Schema version 0: a journal file created but never migrated (the app crashed before its
-- first migration, or an empty file). Opening it must build the current schema.
PRAGMA user_version = 0;
