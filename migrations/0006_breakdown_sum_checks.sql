-- The breakdown-sum rule of 0002 (per-system and per-subject rows add up to at most their block's
-- questionCount and correctCount), checked once per statement instead of once per row at commit.
-- 0002 ran three queries for every breakdown row at commit (42 for a block with 10 systems and 4
-- subjects); now one query per inserting statement checks every block the statement touched, at once.
-- Breakdown rows are always written after their block (insert, upsert or PATCH), so the immediate
-- check sees the block's final counts; a change of the counts alone is still checked at commit.
DROP TRIGGER block_systems_sum_check ON block_systems;
--> statement-breakpoint
DROP TRIGGER block_subjects_sum_check ON block_subjects;
--> statement-breakpoint
CREATE FUNCTION check_breakdown_sums_of_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad uuid;
BEGIN
  -- Each table's rows are read in their own branch: a query is planned when it first runs. A scalar
  -- subquery per block keeps to primary-key probes (as a join, the planner knows nothing of the
  -- transition table's size and may scan all of blocks).
  IF TG_TABLE_NAME = 'block_systems' THEN
    SELECT n.block_id INTO bad FROM (SELECT DISTINCT block_id FROM new_rows) n
     WHERE (SELECT sum(x.total) > b.question_count OR sum(x.correct) > b.correct_count
              FROM blocks b JOIN block_systems x ON x.block_id = b.id
             WHERE b.id = n.block_id GROUP BY b.question_count, b.correct_count)
     LIMIT 1;
    IF bad IS NOT NULL THEN
      RAISE EXCEPTION 'block % system breakdown exceeds its counts', bad USING ERRCODE = '23514', CONSTRAINT = 'block_systems_sum_check';
    END IF;
  ELSE
    SELECT n.block_id INTO bad FROM (SELECT DISTINCT block_id FROM new_rows) n
     WHERE (SELECT sum(x.total) > b.question_count OR sum(x.correct) > b.correct_count
              FROM blocks b JOIN block_subjects x ON x.block_id = b.id
             WHERE b.id = n.block_id GROUP BY b.question_count, b.correct_count)
     LIMIT 1;
    IF bad IS NOT NULL THEN
      RAISE EXCEPTION 'block % subject breakdown exceeds its counts', bad USING ERRCODE = '23514', CONSTRAINT = 'block_subjects_sum_check';
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER block_systems_sum_check_insert AFTER INSERT ON block_systems
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_breakdown_sums_of_statement();
--> statement-breakpoint
CREATE TRIGGER block_systems_sum_check_update AFTER UPDATE ON block_systems
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_breakdown_sums_of_statement();
--> statement-breakpoint
CREATE TRIGGER block_subjects_sum_check_insert AFTER INSERT ON block_subjects
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_breakdown_sums_of_statement();
--> statement-breakpoint
CREATE TRIGGER block_subjects_sum_check_update AFTER UPDATE ON block_subjects
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_breakdown_sums_of_statement();
