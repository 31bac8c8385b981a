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
-- The same three statement triggers on every table keyed by student_id that the engine reads.
DO $$
DECLARE
  tbl text;
BEGIN
  FOREACH tbl IN ARRAY ARRAY['blocks', 'block_systems', 'block_subjects', 'assessments', 'activities',
                             'student_profiles', 'student_qbanks'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed()', tbl || '_version_insert', tbl);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed()', tbl || '_version_update', tbl);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION student_rows_changed()', tbl || '_version_delete', tbl);
  END LOOP;
END;
$$;
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
