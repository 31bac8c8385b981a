CREATE TABLE "student_source_totals" (
	"student_id" uuid NOT NULL,
	"source" text NOT NULL,
	"shard" smallint NOT NULL,
	"blocks" integer NOT NULL,
	"questions" integer NOT NULL,
	"correct" integer NOT NULL,
	"new_questions" integer NOT NULL,
	"first_pass_questions" integer NOT NULL,
	"first_pass_correct" integer NOT NULL,
	"review_questions" integer NOT NULL,
	CONSTRAINT "student_source_totals_student_id_source_shard_pk" PRIMARY KEY("student_id","source","shard"),
	CONSTRAINT "student_source_totals_check" CHECK ("student_source_totals"."shard" between 0 and 3 and "student_source_totals"."blocks" >= 0 and "student_source_totals"."correct" between 0 and "student_source_totals"."questions"
        and "student_source_totals"."new_questions" between 0 and "student_source_totals"."questions" and "student_source_totals"."first_pass_correct" between 0 and "student_source_totals"."first_pass_questions"
        and "student_source_totals"."review_questions" >= 0 and "student_source_totals"."first_pass_questions" + "student_source_totals"."review_questions" = "student_source_totals"."questions")
);
--> statement-breakpoint
CREATE TABLE "student_subject_totals" (
	"student_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"shard" smallint NOT NULL,
	"attempted" integer NOT NULL,
	"correct" integer NOT NULL,
	CONSTRAINT "student_subject_totals_student_id_subject_shard_pk" PRIMARY KEY("student_id","subject","shard"),
	CONSTRAINT "student_subject_totals_check" CHECK ("student_subject_totals"."shard" between 0 and 3 and "student_subject_totals"."attempted" >= 0 and "student_subject_totals"."correct" between 0 and "student_subject_totals"."attempted")
);
--> statement-breakpoint
CREATE TABLE "student_system_totals" (
	"student_id" uuid NOT NULL,
	"system" text NOT NULL,
	"shard" smallint NOT NULL,
	"attempted" integer NOT NULL,
	"correct" integer NOT NULL,
	CONSTRAINT "student_system_totals_student_id_system_shard_pk" PRIMARY KEY("student_id","system","shard"),
	CONSTRAINT "student_system_totals_check" CHECK ("student_system_totals"."shard" between 0 and 3 and "student_system_totals"."attempted" >= 0 and "student_system_totals"."correct" between 0 and "student_system_totals"."attempted")
);
--> statement-breakpoint
CREATE TABLE "student_topic_totals" (
	"student_id" uuid NOT NULL,
	"topic" text NOT NULL,
	"shard" smallint NOT NULL,
	"attempted" integer NOT NULL,
	"correct" integer NOT NULL,
	CONSTRAINT "student_topic_totals_student_id_topic_shard_pk" PRIMARY KEY("student_id","topic","shard"),
	CONSTRAINT "student_topic_totals_check" CHECK ("student_topic_totals"."shard" between 0 and 3 and "student_topic_totals"."attempted" >= 0 and "student_topic_totals"."correct" between 0 and "student_topic_totals"."attempted")
);
--> statement-breakpoint
ALTER TABLE "student_source_totals" ADD CONSTRAINT "student_source_totals_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_subject_totals" ADD CONSTRAINT "student_subject_totals_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_system_totals" ADD CONSTRAINT "student_system_totals_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_topic_totals" ADD CONSTRAINT "student_topic_totals_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "blocks_student_source_taken_idx" ON "blocks" USING btree ("student_id","source","taken_at") WHERE "blocks"."deleted_at" is null;--> statement-breakpoint
-- The running totals above equal, at every commit, the sums over live (not deleted) blocks: per
-- source and per topic of the blocks themselves, per system and per subject of their breakdown rows.
-- Triggers keep them so, whatever writes the rows: every change of a block or of a breakdown row
-- adjusts them in the same transaction. Additions upsert in key order (a fixed lock order);
-- subtractions only update, so a cascade that removes a whole student never re-creates a row for it.
-- A block counts in one of 4 shards, from the last byte of its (random) id: see blocks.table.ts.
CREATE FUNCTION totals_shard(block_id uuid) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (get_byte(uuid_send(block_id), 15) % 4)::smallint $$;
--> statement-breakpoint
-- Adds (sign 1) or subtracts (sign -1) what the given blocks contribute to the source and topic totals.
CREATE FUNCTION apply_block_totals(sign integer, changed blocks[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(changed) = 0 THEN
    RETURN;
  END IF;
  IF sign < 0 THEN
  UPDATE student_source_totals t SET
      blocks = t.blocks - d.blocks, questions = t.questions - d.questions, correct = t.correct - d.correct,
      new_questions = t.new_questions - d.new_questions, first_pass_questions = t.first_pass_questions - d.first_pass_questions,
      first_pass_correct = t.first_pass_correct - d.first_pass_correct, review_questions = t.review_questions - d.review_questions
    FROM (SELECT r.student_id, r.source, totals_shard(r.id) AS shard, count(*)::int AS blocks,
                 sum(r.question_count)::int AS questions, sum(r.correct_count)::int AS correct,
                 sum(r.new_question_count)::int AS new_questions,
                 coalesce(sum(r.question_count) FILTER (WHERE r.pass = 'first'), 0)::int AS first_pass_questions,
                 coalesce(sum(r.correct_count) FILTER (WHERE r.pass = 'first'), 0)::int AS first_pass_correct,
                 coalesce(sum(r.question_count) FILTER (WHERE r.pass = 'review'), 0)::int AS review_questions
            FROM unnest(changed) r GROUP BY 1, 2, 3) d
   WHERE t.student_id = d.student_id AND t.source = d.source AND t.shard = d.shard;
  UPDATE student_topic_totals t SET attempted = t.attempted - d.attempted, correct = t.correct - d.correct
    FROM (SELECT r.student_id, topic, totals_shard(r.id) AS shard,
                 sum(r.question_count)::int AS attempted, sum(r.correct_count)::int AS correct
            FROM unnest(changed) r CROSS JOIN LATERAL unnest(r.topics) AS topic GROUP BY 1, 2, 3) d
   WHERE t.student_id = d.student_id AND t.topic = d.topic AND t.shard = d.shard;
  ELSE
  INSERT INTO student_source_totals AS t (student_id, source, shard, blocks, questions, correct, new_questions,
      first_pass_questions, first_pass_correct, review_questions)
  SELECT r.student_id, r.source, totals_shard(r.id), count(*)::int, sum(r.question_count)::int,
         sum(r.correct_count)::int, sum(r.new_question_count)::int,
         coalesce(sum(r.question_count) FILTER (WHERE r.pass = 'first'), 0)::int,
         coalesce(sum(r.correct_count) FILTER (WHERE r.pass = 'first'), 0)::int,
         coalesce(sum(r.question_count) FILTER (WHERE r.pass = 'review'), 0)::int
    FROM unnest(changed) r GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (student_id, source, shard) DO UPDATE SET
      blocks = t.blocks + excluded.blocks, questions = t.questions + excluded.questions, correct = t.correct + excluded.correct,
      new_questions = t.new_questions + excluded.new_questions,
      first_pass_questions = t.first_pass_questions + excluded.first_pass_questions,
      first_pass_correct = t.first_pass_correct + excluded.first_pass_correct,
      review_questions = t.review_questions + excluded.review_questions;
  INSERT INTO student_topic_totals AS t (student_id, topic, shard, attempted, correct)
  SELECT r.student_id, topic, totals_shard(r.id), sum(r.question_count)::int, sum(r.correct_count)::int
    FROM unnest(changed) r CROSS JOIN LATERAL unnest(r.topics) AS topic
   GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (student_id, topic, shard)
    DO UPDATE SET attempted = t.attempted + excluded.attempted, correct = t.correct + excluded.correct;
  END IF;
END;
$$;
--> statement-breakpoint
-- A block counts while it is live: inserted, it adds; deleted (tombstoned or removed), it subtracts;
-- changed, its old self subtracts and its new self adds (only when something counted changed).
CREATE FUNCTION blocks_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM apply_block_totals(1, ARRAY(SELECT row(n.*)::blocks FROM new_rows n WHERE n.deleted_at IS NULL));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM apply_block_totals(-1, ARRAY(SELECT row(o.*)::blocks FROM old_rows o WHERE o.deleted_at IS NULL));
  ELSE
    PERFORM apply_block_totals(-1, ARRAY(
      SELECT row(o.*)::blocks FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE o.deleted_at IS NULL
         AND (o.student_id, o.source, o.question_count, o.correct_count, o.new_question_count, o.pass, o.topics, o.deleted_at)
             IS DISTINCT FROM (n.student_id, n.source, n.question_count, n.correct_count, n.new_question_count, n.pass, n.topics, n.deleted_at)));
    PERFORM apply_block_totals(1, ARRAY(
      SELECT row(n.*)::blocks FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE n.deleted_at IS NULL
         AND (o.student_id, o.source, o.question_count, o.correct_count, o.new_question_count, o.pass, o.topics, o.deleted_at)
             IS DISTINCT FROM (n.student_id, n.source, n.question_count, n.correct_count, n.new_question_count, n.pass, n.topics, n.deleted_at)));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER blocks_totals_insert AFTER INSERT ON blocks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION blocks_totals();
--> statement-breakpoint
CREATE TRIGGER blocks_totals_update AFTER UPDATE ON blocks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION blocks_totals();
--> statement-breakpoint
CREATE TRIGGER blocks_totals_delete AFTER DELETE ON blocks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION blocks_totals();
--> statement-breakpoint
CREATE FUNCTION block_systems_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A row whose block is gone was subtracted when the block was deleted (blocks_removed_totals).
  -- Liveness is a scalar subquery, one primary-key probe per row: as a join, the planner (which
  -- knows nothing of a transition table's size) may hash the whole blocks table on every write.
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE student_system_totals t SET attempted = t.attempted - d.attempted, correct = t.correct - d.correct
    FROM (SELECT o.student_id, o.system, totals_shard(o.block_id) AS shard,
                 sum(o.total)::int AS attempted, sum(o.correct)::int AS correct
            FROM old_rows o WHERE (SELECT b.deleted_at IS NULL FROM blocks b WHERE b.id = o.block_id)
           GROUP BY 1, 2, 3) d
    WHERE t.student_id = d.student_id AND t.system = d.system AND t.shard = d.shard;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO student_system_totals AS t (student_id, system, shard, attempted, correct)
    SELECT n.student_id, n.system, totals_shard(n.block_id), sum(n.total)::int, sum(n.correct)::int
      FROM new_rows n WHERE (SELECT b.deleted_at IS NULL FROM blocks b WHERE b.id = n.block_id)
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (student_id, system, shard)
      DO UPDATE SET attempted = t.attempted + excluded.attempted, correct = t.correct + excluded.correct;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION block_subjects_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE student_subject_totals t SET attempted = t.attempted - d.attempted, correct = t.correct - d.correct
    FROM (SELECT o.student_id, o.subject, totals_shard(o.block_id) AS shard,
                 sum(o.total)::int AS attempted, sum(o.correct)::int AS correct
            FROM old_rows o WHERE (SELECT b.deleted_at IS NULL FROM blocks b WHERE b.id = o.block_id)
           GROUP BY 1, 2, 3) d
    WHERE t.student_id = d.student_id AND t.subject = d.subject AND t.shard = d.shard;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO student_subject_totals AS t (student_id, subject, shard, attempted, correct)
    SELECT n.student_id, n.subject, totals_shard(n.block_id), sum(n.total)::int, sum(n.correct)::int
      FROM new_rows n WHERE (SELECT b.deleted_at IS NULL FROM blocks b WHERE b.id = n.block_id)
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (student_id, subject, shard)
      DO UPDATE SET attempted = t.attempted + excluded.attempted, correct = t.correct + excluded.correct;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER block_systems_totals_insert AFTER INSERT ON block_systems
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION block_systems_totals();
--> statement-breakpoint
CREATE TRIGGER block_systems_totals_update AFTER UPDATE ON block_systems
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION block_systems_totals();
--> statement-breakpoint
CREATE TRIGGER block_systems_totals_delete AFTER DELETE ON block_systems
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION block_systems_totals();
--> statement-breakpoint
CREATE TRIGGER block_subjects_totals_insert AFTER INSERT ON block_subjects
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION block_subjects_totals();
--> statement-breakpoint
CREATE TRIGGER block_subjects_totals_update AFTER UPDATE ON block_subjects
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION block_subjects_totals();
--> statement-breakpoint
CREATE TRIGGER block_subjects_totals_delete AFTER DELETE ON block_subjects
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION block_subjects_totals();
--> statement-breakpoint
-- A block deleted (tombstoned) stops counting; one restored (an upsert of its externalId) counts again.
CREATE FUNCTION blocks_liveness_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
                  WHERE (n.deleted_at IS NULL) <> (o.deleted_at IS NULL)) THEN
    RETURN NULL;
  END IF;
  UPDATE student_system_totals t SET attempted = t.attempted - d.attempted, correct = t.correct - d.correct
  FROM (SELECT x.student_id, x.system, totals_shard(x.block_id) AS shard,
               sum(x.total)::int AS attempted, sum(x.correct)::int AS correct
          FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN block_systems x ON x.block_id = n.id
         WHERE n.deleted_at IS NOT NULL AND o.deleted_at IS NULL
         GROUP BY 1, 2, 3) d
  WHERE t.student_id = d.student_id AND t.system = d.system AND t.shard = d.shard;
  UPDATE student_subject_totals t SET attempted = t.attempted - d.attempted, correct = t.correct - d.correct
  FROM (SELECT x.student_id, x.subject, totals_shard(x.block_id) AS shard,
               sum(x.total)::int AS attempted, sum(x.correct)::int AS correct
          FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN block_subjects x ON x.block_id = n.id
         WHERE n.deleted_at IS NOT NULL AND o.deleted_at IS NULL
         GROUP BY 1, 2, 3) d
  WHERE t.student_id = d.student_id AND t.subject = d.subject AND t.shard = d.shard;
  INSERT INTO student_system_totals AS t (student_id, system, shard, attempted, correct)
  SELECT x.student_id, x.system, totals_shard(x.block_id), sum(x.total)::int, sum(x.correct)::int
    FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN block_systems x ON x.block_id = n.id
   WHERE n.deleted_at IS NULL AND o.deleted_at IS NOT NULL
   GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (student_id, system, shard)
    DO UPDATE SET attempted = t.attempted + excluded.attempted, correct = t.correct + excluded.correct;
  INSERT INTO student_subject_totals AS t (student_id, subject, shard, attempted, correct)
  SELECT x.student_id, x.subject, totals_shard(x.block_id), sum(x.total)::int, sum(x.correct)::int
    FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN block_subjects x ON x.block_id = n.id
   WHERE n.deleted_at IS NULL AND o.deleted_at IS NOT NULL
   GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (student_id, subject, shard)
    DO UPDATE SET attempted = t.attempted + excluded.attempted, correct = t.correct + excluded.correct;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER blocks_liveness_totals AFTER UPDATE ON blocks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION blocks_liveness_totals();
--> statement-breakpoint
-- A live block removed outright takes its breakdowns out of the totals before they cascade away
-- (the breakdown delete trigger then finds no block and subtracts nothing twice).
CREATE FUNCTION blocks_removed_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.deleted_at IS NULL THEN
    UPDATE student_system_totals t SET attempted = t.attempted - d.attempted, correct = t.correct - d.correct
    FROM (SELECT student_id, system, sum(total)::int AS attempted, sum(correct)::int AS correct
            FROM block_systems WHERE block_id = OLD.id GROUP BY 1, 2) d
    WHERE t.student_id = d.student_id AND t.system = d.system AND t.shard = totals_shard(OLD.id);
    UPDATE student_subject_totals t SET attempted = t.attempted - d.attempted, correct = t.correct - d.correct
    FROM (SELECT student_id, subject, sum(total)::int AS attempted, sum(correct)::int AS correct
            FROM block_subjects WHERE block_id = OLD.id GROUP BY 1, 2) d
    WHERE t.student_id = d.student_id AND t.subject = d.subject AND t.shard = totals_shard(OLD.id);
  END IF;
  RETURN OLD;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER blocks_removed_totals BEFORE DELETE ON blocks FOR EACH ROW EXECUTE FUNCTION blocks_removed_totals();
--> statement-breakpoint
-- Recomputes every total from the rows: the backfill below, and after a bulk load that ran
-- with triggers off (the benchmark's seed).
CREATE FUNCTION rebuild_running_totals() RETURNS void LANGUAGE sql AS $$
  DELETE FROM student_source_totals;
  DELETE FROM student_topic_totals;
  DELETE FROM student_system_totals;
  DELETE FROM student_subject_totals;
  SELECT apply_block_totals(1, ARRAY(SELECT b FROM blocks b WHERE b.deleted_at IS NULL));
  INSERT INTO student_system_totals (student_id, system, shard, attempted, correct)
  SELECT x.student_id, x.system, totals_shard(x.block_id), sum(x.total)::int, sum(x.correct)::int
    FROM block_systems x JOIN blocks b ON b.id = x.block_id AND b.deleted_at IS NULL
   GROUP BY 1, 2, 3;
  INSERT INTO student_subject_totals (student_id, subject, shard, attempted, correct)
  SELECT x.student_id, x.subject, totals_shard(x.block_id), sum(x.total)::int, sum(x.correct)::int
    FROM block_subjects x JOIN blocks b ON b.id = x.block_id AND b.deleted_at IS NULL
   GROUP BY 1, 2, 3;
$$;
--> statement-breakpoint
SELECT rebuild_running_totals();
