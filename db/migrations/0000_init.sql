CREATE TABLE `ministries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ministries_slug_unique` ON `ministries` (`slug`);--> statement-breakpoint
CREATE TABLE `administrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`ministry_id` integer NOT NULL,
	FOREIGN KEY (`ministry_id`) REFERENCES `ministries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `administrations_slug_unique` ON `administrations` (`slug`);--> statement-breakpoint
CREATE INDEX `administrations_ministry_idx` ON `administrations` (`ministry_id`);--> statement-breakpoint
CREATE TABLE `procedures` (
	`id` integer PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`administration_id` integer NOT NULL,
	`audiences` text NOT NULL,
	`yearly_volume` integer NOT NULL,
	`start_url` text NOT NULL,
	`survey_id` integer,
	`retired_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`administration_id`) REFERENCES `administrations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `procedures_administration_idx` ON `procedures` (`administration_id`);--> statement-breakpoint
CREATE TABLE `crawl_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trigger` text NOT NULL,
	`status` text NOT NULL,
	`checks` text NOT NULL,
	`procedure_count` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`summary` text
);
--> statement-breakpoint
CREATE INDEX `crawl_runs_status_started_idx` ON `crawl_runs` (`status`,`started_at`);--> statement-breakpoint
CREATE TABLE `observations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`procedure_id` integer NOT NULL,
	`crawl_run_id` integer,
	`criterion` text NOT NULL,
	`observed_at` integer NOT NULL,
	`status` text NOT NULL,
	`value_num` real,
	`value_text` text,
	`reason` text,
	`evidence` text NOT NULL,
	FOREIGN KEY (`procedure_id`) REFERENCES `procedures`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`crawl_run_id`) REFERENCES `crawl_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `observations_procedure_criterion_at_idx` ON `observations` (`procedure_id`,`criterion`,`observed_at`);--> statement-breakpoint
CREATE INDEX `observations_run_idx` ON `observations` (`crawl_run_id`);--> statement-breakpoint
CREATE TABLE `probe_daily` (
	`procedure_id` integer NOT NULL,
	`day` text NOT NULL,
	`samples` integer NOT NULL,
	`failures` integer NOT NULL,
	`duration_sum_ms` integer NOT NULL,
	`failures_by_type` text NOT NULL,
	PRIMARY KEY(`procedure_id`, `day`),
	FOREIGN KEY (`procedure_id`) REFERENCES `procedures`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `probes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`procedure_id` integer NOT NULL,
	`at` integer NOT NULL,
	`ok` integer NOT NULL,
	`http_status` integer,
	`duration_ms` integer,
	`failure` text,
	FOREIGN KEY (`procedure_id`) REFERENCES `procedures`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `probes_procedure_at_idx` ON `probes` (`procedure_id`,`at`);--> statement-breakpoint
CREATE TABLE `declarations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`procedure_id` integer NOT NULL,
	`criterion` text NOT NULL,
	`value_num` real,
	`value_text` text,
	`answers` integer,
	`justification` text NOT NULL,
	`declared_by` text NOT NULL,
	`declared_at` integer NOT NULL,
	`superseded_at` integer,
	FOREIGN KEY (`procedure_id`) REFERENCES `procedures`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `declarations_procedure_criterion_at_idx` ON `declarations` (`procedure_id`,`criterion`,`declared_at`);--> statement-breakpoint
CREATE TABLE `edition_scores` (
	`edition_id` integer NOT NULL,
	`procedure_id` integer NOT NULL,
	`criterion` text NOT NULL,
	`status` text NOT NULL,
	`value_num` real,
	`value_text` text,
	`level` text,
	`goal` integer,
	`source` text,
	`reason` text,
	`observation_id` integer,
	`declaration_id` integer,
	`change` text,
	PRIMARY KEY(`edition_id`, `procedure_id`, `criterion`),
	FOREIGN KEY (`edition_id`) REFERENCES `editions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`procedure_id`) REFERENCES `procedures`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`observation_id`) REFERENCES `observations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`declaration_id`) REFERENCES `declarations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `edition_scores_procedure_idx` ON `edition_scores` (`procedure_id`,`criterion`);--> statement-breakpoint
CREATE TABLE `editions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`period_start` integer NOT NULL,
	`period_end` integer NOT NULL,
	`methodology_version` integer NOT NULL,
	`status` text NOT NULL,
	`closed_at` integer NOT NULL,
	`published_at` integer,
	`coverage` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `editions_slug_unique` ON `editions` (`slug`);