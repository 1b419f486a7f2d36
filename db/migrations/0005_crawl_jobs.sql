CREATE TABLE `crawl_run_procedures` (
	`run_id` integer NOT NULL,
	`procedure_id` integer NOT NULL,
	`finished_at` integer NOT NULL,
	`worker` text,
	PRIMARY KEY(`run_id`, `procedure_id`),
	FOREIGN KEY (`run_id`) REFERENCES `crawl_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `host_leases` (
	`host` text PRIMARY KEY NOT NULL,
	`holder` text,
	`lease_until` integer NOT NULL,
	`next_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `crawl_runs` ADD `queued` integer DEFAULT false NOT NULL;