CREATE TABLE "advisor_grants" (
	"student_id" uuid NOT NULL,
	"advisor_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "advisor_grants_student_id_advisor_id_pk" PRIMARY KEY("student_id","advisor_id")
);
--> statement-breakpoint
ALTER TABLE "advisor_grants" ADD CONSTRAINT "advisor_grants_student_id_users_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisor_grants" ADD CONSTRAINT "advisor_grants_advisor_id_users_id_fk" FOREIGN KEY ("advisor_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "advisor_grants_advisor_idx" ON "advisor_grants" USING btree ("advisor_id","student_id");