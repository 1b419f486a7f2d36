-- A published edition never changes: the database refuses it, whatever the code does.
CREATE TRIGGER `edition_scores_frozen_update` BEFORE UPDATE ON `edition_scores`
WHEN (SELECT `status` FROM `editions` WHERE `id` = OLD.`edition_id`) = 'published'
BEGIN SELECT RAISE(ABORT, 'edition is published: its scores are frozen'); END;
--> statement-breakpoint
CREATE TRIGGER `edition_scores_frozen_delete` BEFORE DELETE ON `edition_scores`
WHEN (SELECT `status` FROM `editions` WHERE `id` = OLD.`edition_id`) = 'published'
BEGIN SELECT RAISE(ABORT, 'edition is published: its scores are frozen'); END;
--> statement-breakpoint
CREATE TRIGGER `edition_scores_frozen_insert` BEFORE INSERT ON `edition_scores`
WHEN (SELECT `status` FROM `editions` WHERE `id` = NEW.`edition_id`) = 'published'
BEGIN SELECT RAISE(ABORT, 'edition is published: its scores are frozen'); END;
--> statement-breakpoint
CREATE TRIGGER `editions_frozen` BEFORE UPDATE ON `editions`
WHEN OLD.`status` = 'published'
BEGIN SELECT RAISE(ABORT, 'edition is published: it never changes'); END;
--> statement-breakpoint
CREATE TRIGGER `editions_frozen_delete` BEFORE DELETE ON `editions`
WHEN OLD.`status` = 'published'
BEGIN SELECT RAISE(ABORT, 'edition is published: it never changes'); END;
