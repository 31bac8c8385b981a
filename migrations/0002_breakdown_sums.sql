-- Breakdown rows must not add up to more than their block (guide-rules.md §1): per-system and
-- per-subject totals sum to at most questionCount, corrects to at most correctCount. A row check
-- cannot see sibling rows, so a deferred constraint trigger checks the sums at commit.
CREATE FUNCTION check_block_breakdown_sums() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  target uuid;
  q integer;
  c integer;
BEGIN
  -- Record fields resolve when a statement runs, so each table's column is read in its own branch.
  IF TG_TABLE_NAME = 'blocks' THEN
    target := NEW.id;
  ELSE
    target := NEW.block_id;
  END IF;
  SELECT question_count, correct_count INTO q, c FROM blocks WHERE id = target;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF (SELECT coalesce(sum(total), 0) > q OR coalesce(sum(correct), 0) > c FROM block_systems WHERE block_id = target) THEN
    RAISE EXCEPTION 'block % system breakdown exceeds its counts', target USING ERRCODE = '23514', CONSTRAINT = 'block_systems_sum_check';
  END IF;
  IF (SELECT coalesce(sum(total), 0) > q OR coalesce(sum(correct), 0) > c FROM block_subjects WHERE block_id = target) THEN
    RAISE EXCEPTION 'block % subject breakdown exceeds its counts', target USING ERRCODE = '23514', CONSTRAINT = 'block_subjects_sum_check';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER block_systems_sum_check AFTER INSERT OR UPDATE ON block_systems
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_block_breakdown_sums();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER block_subjects_sum_check AFTER INSERT OR UPDATE ON block_subjects
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_block_breakdown_sums();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER blocks_breakdown_sum_check AFTER UPDATE OF question_count, correct_count ON blocks
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_block_breakdown_sums();
