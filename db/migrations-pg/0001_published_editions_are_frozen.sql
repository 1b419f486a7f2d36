-- A published edition never changes: the database refuses it, whatever the code does (the same
-- rule as SQLite's triggers in db/migrations/0002).
CREATE FUNCTION observatoire_edition_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'published' THEN
    RAISE EXCEPTION 'edition is published: it never changes' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
--> statement-breakpoint
CREATE FUNCTION observatoire_edition_scores_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  edition_id integer := CASE WHEN TG_OP = 'INSERT' THEN NEW.edition_id ELSE OLD.edition_id END;
BEGIN
  IF (SELECT status FROM editions WHERE id = edition_id) = 'published' THEN
    RAISE EXCEPTION 'edition is published: its scores are frozen' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
--> statement-breakpoint
CREATE TRIGGER editions_frozen BEFORE UPDATE OR DELETE ON editions FOR EACH ROW EXECUTE FUNCTION observatoire_edition_frozen();
--> statement-breakpoint
CREATE TRIGGER edition_scores_frozen BEFORE INSERT OR UPDATE OR DELETE ON edition_scores FOR EACH ROW EXECUTE FUNCTION observatoire_edition_scores_frozen();
