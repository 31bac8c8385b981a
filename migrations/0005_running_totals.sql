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
	CONSTRAINT "student_source_totals_check" CHECK ("student_source_totals"."shard" between 0 and 15 and "student_source_totals"."first_pass_questions" + "student_source_totals"."review_questions" = "student_source_totals"."questions")
);
--> statement-breakpoint
CREATE TABLE "student_subject_totals" (
	"student_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"shard" smallint NOT NULL,
	"attempted" integer NOT NULL,
	"correct" integer NOT NULL,
	CONSTRAINT "student_subject_totals_student_id_subject_shard_pk" PRIMARY KEY("student_id","subject","shard"),
	CONSTRAINT "student_subject_totals_check" CHECK ("student_subject_totals"."shard" between 0 and 15)
);
--> statement-breakpoint
CREATE TABLE "student_system_totals" (
	"student_id" uuid NOT NULL,
	"system" text NOT NULL,
	"shard" smallint NOT NULL,
	"attempted" integer NOT NULL,
	"correct" integer NOT NULL,
	CONSTRAINT "student_system_totals_student_id_system_shard_pk" PRIMARY KEY("student_id","system","shard"),
	CONSTRAINT "student_system_totals_check" CHECK ("student_system_totals"."shard" between 0 and 15)
);
--> statement-breakpoint
CREATE TABLE "student_topic_totals" (
	"student_id" uuid NOT NULL,
	"topic" text NOT NULL,
	"shard" smallint NOT NULL,
	"attempted" integer NOT NULL,
	"correct" integer NOT NULL,
	CONSTRAINT "student_topic_totals_student_id_topic_shard_pk" PRIMARY KEY("student_id","topic","shard"),
	CONSTRAINT "student_topic_totals_check" CHECK ("student_topic_totals"."shard" between 0 and 15)
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
-- adds a signed delta in the same transaction. Deltas for a student whose user row is gone (a
-- cascade removing the whole student) are dropped: its totals go with it.
--
-- The stripe (shard) a transaction writes a student's deltas to: the first of 16 whose advisory
-- lock it already holds or can take at once. Concurrent writes of one student so never wait on each
-- other's total rows, and a student written one transaction at a time keeps everything in stripe 0.
-- A transaction waits only when all 16 are taken, and then holds no stripe of that student yet, so
-- stripes cannot deadlock. Upserts go in key order (a fixed row-lock order).
CREATE FUNCTION totals_shard_for(student uuid) RETURNS smallint LANGUAGE plpgsql AS $$
DECLARE
  lock_key constant integer := hashtext(student::text);
BEGIN
  FOR stripe IN 0..15 LOOP
    IF pg_try_advisory_xact_lock(lock_key, stripe) THEN
      RETURN stripe;
    END IF;
  END LOOP;
  PERFORM pg_advisory_xact_lock(lock_key, pg_backend_pid() % 16);
  RETURN pg_backend_pid() % 16;
END;
$$;
--> statement-breakpoint
-- What blocks add (sign 1) or take away (sign -1) per source and per topic.
CREATE FUNCTION apply_block_totals(sign integer, changed blocks[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(changed) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO student_source_totals AS t (student_id, source, shard, blocks, questions, correct, new_questions,
      first_pass_questions, first_pass_correct, review_questions)
  SELECT d.student_id, d.source, totals_shard_for(d.student_id), sign * d.blocks, sign * d.questions,
         sign * d.correct, sign * d.new_questions, sign * d.first_pass_questions, sign * d.first_pass_correct,
         sign * d.review_questions
    FROM (SELECT r.student_id, r.source, count(*)::int AS blocks, sum(r.question_count)::int AS questions,
                 sum(r.correct_count)::int AS correct, sum(r.new_question_count)::int AS new_questions,
                 coalesce(sum(r.question_count) FILTER (WHERE r.pass = 'first'), 0)::int AS first_pass_questions,
                 coalesce(sum(r.correct_count) FILTER (WHERE r.pass = 'first'), 0)::int AS first_pass_correct,
                 coalesce(sum(r.question_count) FILTER (WHERE r.pass = 'review'), 0)::int AS review_questions
            FROM unnest(changed) r
           WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = r.student_id)
           GROUP BY 1, 2) d
   ORDER BY 1, 2
  ON CONFLICT (student_id, source, shard) DO UPDATE SET
      blocks = t.blocks + excluded.blocks, questions = t.questions + excluded.questions,
      correct = t.correct + excluded.correct, new_questions = t.new_questions + excluded.new_questions,
      first_pass_questions = t.first_pass_questions + excluded.first_pass_questions,
      first_pass_correct = t.first_pass_correct + excluded.first_pass_correct,
      review_questions = t.review_questions + excluded.review_questions;
  INSERT INTO student_topic_totals AS t (student_id, topic, shard, attempted, correct)
  SELECT d.student_id, d.topic, totals_shard_for(d.student_id), sign * d.attempted, sign * d.correct
    FROM (SELECT r.student_id, topic, sum(r.question_count)::int AS attempted, sum(r.correct_count)::int AS correct
            FROM unnest(changed) r CROSS JOIN LATERAL unnest(r.topics) AS topic
           WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = r.student_id)
           GROUP BY 1, 2) d
   ORDER BY 1, 2
  ON CONFLICT (student_id, topic, shard)
    DO UPDATE SET attempted = t.attempted + excluded.attempted, correct = t.correct + excluded.correct;
END;
$$;
--> statement-breakpoint
-- A breakdown row, whichever table it is from.
CREATE TYPE breakdown_row AS (block_id uuid, student_id uuid, label text, total integer, correct integer);
--> statement-breakpoint
-- What breakdown rows add (sign 1) or take away (sign -1), per system or per subject.
CREATE FUNCTION apply_breakdown_totals(kind text, sign integer, changed breakdown_row[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(changed) = 0 THEN
    RETURN;
  END IF;
  IF kind = 'system' THEN
    INSERT INTO student_system_totals AS t (student_id, system, shard, attempted, correct)
    SELECT d.student_id, d.label, totals_shard_for(d.student_id), sign * d.total, sign * d.correct
      FROM (SELECT r.student_id, r.label, sum(r.total)::int AS total, sum(r.correct)::int AS correct
              FROM unnest(changed) r WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = r.student_id)
             GROUP BY 1, 2) d
     ORDER BY 1, 2
    ON CONFLICT (student_id, system, shard)
      DO UPDATE SET attempted = t.attempted + excluded.attempted, correct = t.correct + excluded.correct;
  ELSE
    INSERT INTO student_subject_totals AS t (student_id, subject, shard, attempted, correct)
    SELECT d.student_id, d.label, totals_shard_for(d.student_id), sign * d.total, sign * d.correct
      FROM (SELECT r.student_id, r.label, sum(r.total)::int AS total, sum(r.correct)::int AS correct
              FROM unnest(changed) r WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = r.student_id)
             GROUP BY 1, 2) d
     ORDER BY 1, 2
    ON CONFLICT (student_id, subject, shard)
      DO UPDATE SET attempted = t.attempted + excluded.attempted, correct = t.correct + excluded.correct;
  END IF;
END;
$$;
--> statement-breakpoint
-- Breakdown rows count while their block is live. Liveness is a scalar subquery, one primary-key
-- probe per row: as a join, the planner (which knows nothing of a transition table's size) may hash
-- the whole blocks table on every write. A row whose block is gone was taken away when the block
-- was deleted (blocks_removed_totals), so it is not taken away twice.
CREATE FUNCTION block_systems_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    PERFORM apply_breakdown_totals('system', -1, ARRAY(
      SELECT row(o.block_id, o.student_id, o.system, o.total, o.correct)::breakdown_row FROM old_rows o
       WHERE (SELECT b.deleted_at IS NULL FROM blocks b WHERE b.id = o.block_id)));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM apply_breakdown_totals('system', 1, ARRAY(
      SELECT row(n.block_id, n.student_id, n.system, n.total, n.correct)::breakdown_row FROM new_rows n
       WHERE (SELECT b.deleted_at IS NULL FROM blocks b WHERE b.id = n.block_id)));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION block_subjects_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    PERFORM apply_breakdown_totals('subject', -1, ARRAY(
      SELECT row(o.block_id, o.student_id, o.subject, o.total, o.correct)::breakdown_row FROM old_rows o
       WHERE (SELECT b.deleted_at IS NULL FROM blocks b WHERE b.id = o.block_id)));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM apply_breakdown_totals('subject', 1, ARRAY(
      SELECT row(n.block_id, n.student_id, n.subject, n.total, n.correct)::breakdown_row FROM new_rows n
       WHERE (SELECT b.deleted_at IS NULL FROM blocks b WHERE b.id = n.block_id)));
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
-- A block counts while it is live: inserted, it adds; deleted (tombstoned or removed), it takes away;
-- changed, its old self takes away and its new self adds (only when something counted changed).
-- A block that stops or starts being live takes its breakdown rows along.
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
    IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE (n.deleted_at IS NULL) <> (o.deleted_at IS NULL)) THEN
      PERFORM apply_breakdown_totals('system', CASE WHEN d.live THEN 1 ELSE -1 END, d.rows)
         FROM (SELECT n.deleted_at IS NULL AS live,
                      array_agg(row(x.block_id, x.student_id, x.system, x.total, x.correct)::breakdown_row) AS rows
                 FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN block_systems x ON x.block_id = n.id
                WHERE (n.deleted_at IS NULL) <> (o.deleted_at IS NULL)
                GROUP BY 1) d;
      PERFORM apply_breakdown_totals('subject', CASE WHEN d.live THEN 1 ELSE -1 END, d.rows)
         FROM (SELECT n.deleted_at IS NULL AS live,
                      array_agg(row(x.block_id, x.student_id, x.subject, x.total, x.correct)::breakdown_row) AS rows
                 FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN block_subjects x ON x.block_id = n.id
                WHERE (n.deleted_at IS NULL) <> (o.deleted_at IS NULL)
                GROUP BY 1) d;
    END IF;
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
-- A live block removed outright takes its breakdown rows out before they cascade away.
CREATE FUNCTION blocks_removed_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.deleted_at IS NULL THEN
    PERFORM apply_breakdown_totals('system', -1, ARRAY(
      SELECT row(x.block_id, x.student_id, x.system, x.total, x.correct)::breakdown_row
        FROM block_systems x WHERE x.block_id = OLD.id));
    PERFORM apply_breakdown_totals('subject', -1, ARRAY(
      SELECT row(x.block_id, x.student_id, x.subject, x.total, x.correct)::breakdown_row
        FROM block_subjects x WHERE x.block_id = OLD.id));
  END IF;
  RETURN OLD;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER blocks_removed_totals BEFORE DELETE ON blocks FOR EACH ROW EXECUTE FUNCTION blocks_removed_totals();
--> statement-breakpoint
-- Recomputes every total from the rows, in stripe 0: the backfill below, and after a bulk load
-- that ran with triggers off (the benchmark's seed).
CREATE FUNCTION rebuild_running_totals() RETURNS void LANGUAGE sql AS $$
  DELETE FROM student_source_totals;
  DELETE FROM student_topic_totals;
  DELETE FROM student_system_totals;
  DELETE FROM student_subject_totals;
  INSERT INTO student_source_totals (student_id, source, shard, blocks, questions, correct, new_questions,
      first_pass_questions, first_pass_correct, review_questions)
  SELECT b.student_id, b.source, 0, count(*), sum(b.question_count), sum(b.correct_count), sum(b.new_question_count),
         coalesce(sum(b.question_count) FILTER (WHERE b.pass = 'first'), 0),
         coalesce(sum(b.correct_count) FILTER (WHERE b.pass = 'first'), 0),
         coalesce(sum(b.question_count) FILTER (WHERE b.pass = 'review'), 0)
    FROM blocks b WHERE b.deleted_at IS NULL GROUP BY 1, 2;
  INSERT INTO student_topic_totals (student_id, topic, shard, attempted, correct)
  SELECT b.student_id, topic, 0, sum(b.question_count), sum(b.correct_count)
    FROM blocks b CROSS JOIN LATERAL unnest(b.topics) AS topic WHERE b.deleted_at IS NULL GROUP BY 1, 2;
  INSERT INTO student_system_totals (student_id, system, shard, attempted, correct)
  SELECT x.student_id, x.system, 0, sum(x.total), sum(x.correct)
    FROM block_systems x JOIN blocks b ON b.id = x.block_id AND b.deleted_at IS NULL GROUP BY 1, 2;
  INSERT INTO student_subject_totals (student_id, subject, shard, attempted, correct)
  SELECT x.student_id, x.subject, 0, sum(x.total), sum(x.correct)
    FROM block_subjects x JOIN blocks b ON b.id = x.block_id AND b.deleted_at IS NULL GROUP BY 1, 2;
$$;
--> statement-breakpoint
SELECT rebuild_running_totals();
