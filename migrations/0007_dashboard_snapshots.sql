CREATE TABLE "student_data_versions" (
	"student_id" uuid NOT NULL,
	"shard" smallint NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "student_data_versions_student_id_shard_pk" PRIMARY KEY("student_id","shard"),
	CONSTRAINT "student_data_versions_check" CHECK ("student_data_versions"."shard" between 0 and 15 and "student_data_versions"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "mentee_snapshots" (
	"student_id" uuid PRIMARY KEY NOT NULL,
	"as_of" date NOT NULL,
	"data_version" bigint NOT NULL,
	"engine_key" text NOT NULL,
	"figures" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "student_data_versions" ADD CONSTRAINT "student_data_versions_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentee_snapshots" ADD CONSTRAINT "mentee_snapshots_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Every committed write of what the analytics engine reads adds 1 to the student's data version, in
-- the stripe its transaction holds (totals_shard_for, shared with the running totals), so the
-- version (the sum over stripes) only ever grows and concurrent writes never queue on one row.
-- Students whose user row is gone (a cascade) are skipped: their versions go with them.
CREATE FUNCTION bump_data_versions(students uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(students) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO student_data_versions AS v (student_id, shard, version)
  SELECT s.id, totals_shard_for(s.id), 1
    FROM (SELECT DISTINCT id FROM unnest(students) AS id) s
   WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = s.id)
   ORDER BY 1
  ON CONFLICT (student_id, shard) DO UPDATE SET version = v.version + 1;
END;
$$;
--> statement-breakpoint
-- For the tables keyed by student_id: the students of the rows a statement touched.
CREATE FUNCTION student_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM bump_data_versions(ARRAY(SELECT n.student_id FROM new_rows n));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM bump_data_versions(ARRAY(SELECT o.student_id FROM old_rows o));
  ELSE
    PERFORM bump_data_versions(ARRAY(SELECT n.student_id FROM new_rows n UNION SELECT o.student_id FROM old_rows o));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER blocks_version_insert AFTER INSERT ON blocks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER blocks_version_update AFTER UPDATE ON blocks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER blocks_version_delete AFTER DELETE ON blocks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER block_systems_version_insert AFTER INSERT ON block_systems
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER block_systems_version_update AFTER UPDATE ON block_systems
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER block_systems_version_delete AFTER DELETE ON block_systems
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER block_subjects_version_insert AFTER INSERT ON block_subjects
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER block_subjects_version_update AFTER UPDATE ON block_subjects
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER block_subjects_version_delete AFTER DELETE ON block_subjects
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER assessments_version_insert AFTER INSERT ON assessments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER assessments_version_update AFTER UPDATE ON assessments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER assessments_version_delete AFTER DELETE ON assessments
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER activities_version_insert AFTER INSERT ON activities
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER activities_version_update AFTER UPDATE ON activities
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER activities_version_delete AFTER DELETE ON activities
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER student_profiles_version_insert AFTER INSERT ON student_profiles
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER student_profiles_version_update AFTER UPDATE ON student_profiles
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER student_profiles_version_delete AFTER DELETE ON student_profiles
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER student_qbanks_version_insert AFTER INSERT ON student_qbanks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER student_qbanks_version_update AFTER UPDATE ON student_qbanks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
CREATE TRIGGER student_qbanks_version_delete AFTER DELETE ON student_qbanks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed();
--> statement-breakpoint
-- The engine reads the student's time zone (its days) and role from the user row.
CREATE FUNCTION user_analytics_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM bump_data_versions(ARRAY[NEW.id]);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER users_version_update AFTER UPDATE OF timezone, role ON users FOR EACH ROW
  WHEN ((OLD.timezone, OLD.role) IS DISTINCT FROM (NEW.timezone, NEW.role))
  EXECUTE FUNCTION user_analytics_changed();
--> statement-breakpoint
-- After a bulk load with triggers off (the benchmark's seed), no stored dashboard figure can be
-- trusted: rebuilding the running totals also drops them.
CREATE OR REPLACE FUNCTION rebuild_running_totals() RETURNS void LANGUAGE sql AS $$
  DELETE FROM mentee_snapshots;
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
