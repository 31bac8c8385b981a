CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_scopes_check" CHECK ("api_tokens"."scopes" <@ array['progress:read', 'progress:write', 'mentees:read', 'admin']::text[])
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"role" text NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role_check" CHECK ("users"."role" in ('student', 'advisor', 'admin')),
	CONSTRAINT "users_name_check" CHECK (length("users"."name") between 1 and 200)
);
--> statement-breakpoint
CREATE TABLE "student_profiles" (
	"student_id" uuid PRIMARY KEY NOT NULL,
	"prep_start_date" date,
	"exam_date" date,
	"eras_submission_date" date,
	"target_score" smallint,
	"exam_score" smallint,
	"study_mode" text DEFAULT 'dedicated' NOT NULL,
	"study_days_per_week" smallint DEFAULT 6 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "student_profiles_study_mode_check" CHECK ("student_profiles"."study_mode" in ('dedicated', 'part_time')),
	CONSTRAINT "student_profiles_study_days_check" CHECK ("student_profiles"."study_days_per_week" between 1 and 7),
	CONSTRAINT "student_profiles_target_score_check" CHECK ("student_profiles"."target_score" between 1 and 300),
	CONSTRAINT "student_profiles_exam_score_check" CHECK ("student_profiles"."exam_score" between 1 and 300),
	CONSTRAINT "student_profiles_exam_after_start_check" CHECK ("student_profiles"."exam_date" > "student_profiles"."prep_start_date")
);
--> statement-breakpoint
CREATE TABLE "student_qbanks" (
	"student_id" uuid NOT NULL,
	"source" text NOT NULL,
	"total_questions" integer NOT NULL,
	CONSTRAINT "student_qbanks_student_id_source_pk" PRIMARY KEY("student_id","source"),
	CONSTRAINT "student_qbanks_total_check" CHECK ("student_qbanks"."total_questions" > 0),
	CONSTRAINT "student_qbanks_source_check" CHECK ("student_qbanks"."source" ~ '^[a-z0-9][a-z0-9_-]{0,39}$')
);
--> statement-breakpoint
CREATE TABLE "rate_limit_counters" (
	"key" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_profiles" ADD CONSTRAINT "student_profiles_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_qbanks" ADD CONSTRAINT "student_qbanks_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_token_hash_unique" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "api_tokens_user_id_idx" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_unique" ON "users" USING btree (lower("email"));