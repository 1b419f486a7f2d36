CREATE TABLE "crawl_run_procedures" (
	"run_id" integer NOT NULL,
	"procedure_id" integer NOT NULL,
	"finished_at" timestamp (3) with time zone NOT NULL,
	"worker" text,
	CONSTRAINT "crawl_run_procedures_run_id_procedure_id_pk" PRIMARY KEY("run_id","procedure_id")
);
--> statement-breakpoint
CREATE TABLE "host_leases" (
	"host" text PRIMARY KEY NOT NULL,
	"holder" text,
	"lease_until" timestamp (3) with time zone NOT NULL,
	"next_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "crawl_runs" ADD COLUMN "queued" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "crawl_run_procedures" ADD CONSTRAINT "crawl_run_procedures_run_id_crawl_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."crawl_runs"("id") ON DELETE no action ON UPDATE no action;