CREATE TABLE "block_subjects" (
	"block_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"total" integer NOT NULL,
	"correct" integer NOT NULL,
	CONSTRAINT "block_subjects_block_id_subject_pk" PRIMARY KEY("block_id","subject"),
	CONSTRAINT "block_subjects_counts_check" CHECK ("block_subjects"."total" >= 1 and "block_subjects"."correct" between 0 and "block_subjects"."total")
);
--> statement-breakpoint
CREATE TABLE "block_systems" (
	"block_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"system" text NOT NULL,
	"total" integer NOT NULL,
	"correct" integer NOT NULL,
	CONSTRAINT "block_systems_block_id_system_pk" PRIMARY KEY("block_id","system"),
	CONSTRAINT "block_systems_counts_check" CHECK ("block_systems"."total" >= 1 and "block_systems"."correct" between 0 and "block_systems"."total")
);
--> statement-breakpoint
CREATE TABLE "blocks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" uuid NOT NULL,
	"source" text NOT NULL,
	"external_id" text,
	"taken_at" timestamp with time zone NOT NULL,
	"question_count" integer NOT NULL,
	"correct_count" integer NOT NULL,
	"new_question_count" integer NOT NULL,
	"pass" text NOT NULL,
	"timed" boolean NOT NULL,
	"selection" text NOT NULL,
	"duration_minutes" integer,
	"review_minutes" integer,
	"mistakes_knowledge" integer,
	"mistakes_misread" integer,
	"mistakes_timing" integer,
	"topics" text[] DEFAULT '{}'::text[] NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "blocks_source_check" CHECK ("blocks"."source" ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
	CONSTRAINT "blocks_pass_check" CHECK ("blocks"."pass" in ('first', 'review')),
	CONSTRAINT "blocks_selection_check" CHECK ("blocks"."selection" in ('random', 'subject')),
	CONSTRAINT "blocks_question_count_check" CHECK ("blocks"."question_count" between 1 and 1000),
	CONSTRAINT "blocks_correct_count_check" CHECK ("blocks"."correct_count" between 0 and "blocks"."question_count"),
	CONSTRAINT "blocks_new_count_check" CHECK ("blocks"."new_question_count" between 0 and "blocks"."question_count"),
	CONSTRAINT "blocks_duration_check" CHECK ("blocks"."duration_minutes" between 1 and 1440),
	CONSTRAINT "blocks_review_minutes_check" CHECK ("blocks"."review_minutes" between 0 and 1440),
	CONSTRAINT "blocks_mistakes_check" CHECK (coalesce("blocks"."mistakes_knowledge", 0) >= 0 and coalesce("blocks"."mistakes_misread", 0) >= 0 and coalesce("blocks"."mistakes_timing", 0) >= 0
        and coalesce("blocks"."mistakes_knowledge", 0) + coalesce("blocks"."mistakes_misread", 0) + coalesce("blocks"."mistakes_timing", 0)
          <= "blocks"."question_count" - "blocks"."correct_count"),
	CONSTRAINT "blocks_external_id_check" CHECK (length("blocks"."external_id") between 1 and 200),
	CONSTRAINT "blocks_note_check" CHECK (length("blocks"."note") <= 5000)
);
--> statement-breakpoint
CREATE TABLE "assessments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" uuid NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"external_id" text,
	"form" text NOT NULL,
	"label" text,
	"taken_at" timestamp with time zone NOT NULL,
	"score" smallint,
	"percent_correct" numeric(4, 1),
	"exam_conditions" boolean DEFAULT false NOT NULL,
	"systems" jsonb,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "assessments_source_check" CHECK ("assessments"."source" ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
	CONSTRAINT "assessments_form_check" CHECK ("assessments"."form" ~ '^(nbme-(9|1[0-5])|uwsa-[12]|amboss-sa|free-120|other)$'),
	CONSTRAINT "assessments_score_check" CHECK ("assessments"."score" between 1 and 300),
	CONSTRAINT "assessments_percent_check" CHECK ("assessments"."percent_correct" between 0 and 100),
	CONSTRAINT "assessments_result_check" CHECK ("assessments"."score" is not null or "assessments"."percent_correct" is not null),
	CONSTRAINT "assessments_scored_form_check" CHECK ("assessments"."form" not in ('nbme-9','nbme-10','nbme-11','nbme-12','nbme-13','nbme-14','nbme-15','uwsa-1','uwsa-2','amboss-sa') or "assessments"."score" is not null),
	CONSTRAINT "assessments_free120_check" CHECK ("assessments"."form" <> 'free-120' or "assessments"."score" is null),
	CONSTRAINT "assessments_label_check" CHECK (length("assessments"."label") between 1 and 200),
	CONSTRAINT "assessments_external_id_check" CHECK (length("assessments"."external_id") between 1 and 200),
	CONSTRAINT "assessments_note_check" CHECK (length("assessments"."note") <= 5000)
);
--> statement-breakpoint
CREATE TABLE "activities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"student_id" uuid NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"external_id" text,
	"type" text NOT NULL,
	"date" date NOT NULL,
	"minutes" integer NOT NULL,
	"systems" text[] DEFAULT '{}'::text[] NOT NULL,
	"blocks" smallint,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "activities_source_check" CHECK ("activities"."source" ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
	CONSTRAINT "activities_type_check" CHECK ("activities"."type" in ('content_review', 'explanation_review', 'anki', 'simulation_day', 'video')),
	CONSTRAINT "activities_minutes_check" CHECK ("activities"."minutes" between 1 and 1440),
	CONSTRAINT "activities_blocks_check" CHECK ("activities"."blocks" between 1 and 12 and "activities"."type" = 'simulation_day' or "activities"."blocks" is null),
	CONSTRAINT "activities_external_id_check" CHECK (length("activities"."external_id") between 1 and 200),
	CONSTRAINT "activities_note_check" CHECK (length("activities"."note") <= 5000)
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"user_id" uuid NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"locked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"response_status" integer,
	"response_body" jsonb,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_user_id_key_pk" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
CREATE TABLE "outbox_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"student_id" uuid,
	"resource_id" uuid,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dispatched_at" timestamp with time zone,
	CONSTRAINT "outbox_events_eventId_unique" UNIQUE("event_id")
);
--> statement-breakpoint
ALTER TABLE "block_subjects" ADD CONSTRAINT "block_subjects_block_id_blocks_id_fk" FOREIGN KEY ("block_id") REFERENCES "public"."blocks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "block_subjects" ADD CONSTRAINT "block_subjects_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "block_systems" ADD CONSTRAINT "block_systems_block_id_blocks_id_fk" FOREIGN KEY ("block_id") REFERENCES "public"."blocks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "block_systems" ADD CONSTRAINT "block_systems_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blocks" ADD CONSTRAINT "blocks_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessments" ADD CONSTRAINT "assessments_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_events" ADD CONSTRAINT "outbox_events_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "block_subjects_student_subject_idx" ON "block_subjects" USING btree ("student_id","subject");--> statement-breakpoint
CREATE INDEX "block_systems_student_system_idx" ON "block_systems" USING btree ("student_id","system");--> statement-breakpoint
CREATE INDEX "blocks_student_taken_idx" ON "blocks" USING btree ("student_id","taken_at","id");--> statement-breakpoint
CREATE INDEX "blocks_student_updated_idx" ON "blocks" USING btree ("student_id","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "blocks_external_id_unique" ON "blocks" USING btree ("student_id","source","external_id") WHERE "blocks"."external_id" is not null;--> statement-breakpoint
CREATE INDEX "assessments_student_taken_idx" ON "assessments" USING btree ("student_id","taken_at","id");--> statement-breakpoint
CREATE INDEX "assessments_student_updated_idx" ON "assessments" USING btree ("student_id","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "assessments_external_id_unique" ON "assessments" USING btree ("student_id","source","external_id") WHERE "assessments"."external_id" is not null;--> statement-breakpoint
CREATE INDEX "activities_student_date_idx" ON "activities" USING btree ("student_id","date","id");--> statement-breakpoint
CREATE INDEX "activities_student_updated_idx" ON "activities" USING btree ("student_id","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "activities_external_id_unique" ON "activities" USING btree ("student_id","source","external_id") WHERE "activities"."external_id" is not null;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "outbox_events_pending_idx" ON "outbox_events" USING btree ("id") WHERE "outbox_events"."dispatched_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_events_student_idx" ON "outbox_events" USING btree ("student_id","id");