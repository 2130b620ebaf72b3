-- Web processes cache verified API tokens (app/services/api-tokens.server.ts) and drop a
-- shop's entries when this channel names it: a token revoked, deleted or re-keyed, or
-- the shop's status, API access, domain or Idempotency-Key setting changed. Triggers
-- rather than application code, so every writer (the app, `npm run ops`, psql) is
-- covered. The NOTIFY is delivered when the transaction commits. '*' means "everything".
CREATE OR REPLACE FUNCTION handoff_notify_api_auth() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('handoff_api_auth', '*');
  ELSIF TG_TABLE_NAME = 'shops' THEN
    PERFORM pg_notify('handoff_api_auth', OLD.id::text);
  ELSE
    PERFORM pg_notify('handoff_api_auth', OLD.shop_id::text);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER api_tokens_auth_changed AFTER UPDATE ON api_tokens FOR EACH ROW
  WHEN (
    OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
    OR OLD.secret_hash IS DISTINCT FROM NEW.secret_hash
    OR OLD.public_id IS DISTINCT FROM NEW.public_id
    OR OLD.shop_id IS DISTINCT FROM NEW.shop_id
  )
  EXECUTE FUNCTION handoff_notify_api_auth();
--> statement-breakpoint
CREATE TRIGGER api_tokens_auth_deleted AFTER DELETE ON api_tokens FOR EACH ROW
  EXECUTE FUNCTION handoff_notify_api_auth();
--> statement-breakpoint
CREATE TRIGGER api_tokens_auth_truncated AFTER TRUNCATE ON api_tokens FOR EACH STATEMENT
  EXECUTE FUNCTION handoff_notify_api_auth();
--> statement-breakpoint
CREATE TRIGGER shops_auth_changed AFTER UPDATE ON shops FOR EACH ROW
  WHEN (
    OLD.status IS DISTINCT FROM NEW.status
    OR OLD.api_access IS DISTINCT FROM NEW.api_access
    OR OLD.domain IS DISTINCT FROM NEW.domain
    OR OLD.require_idempotency_key IS DISTINCT FROM NEW.require_idempotency_key
  )
  EXECUTE FUNCTION handoff_notify_api_auth();
--> statement-breakpoint
CREATE TRIGGER shops_auth_deleted AFTER DELETE ON shops FOR EACH ROW
  EXECUTE FUNCTION handoff_notify_api_auth();
--> statement-breakpoint
CREATE TRIGGER shops_auth_truncated AFTER TRUNCATE ON shops FOR EACH STATEMENT
  EXECUTE FUNCTION handoff_notify_api_auth();
