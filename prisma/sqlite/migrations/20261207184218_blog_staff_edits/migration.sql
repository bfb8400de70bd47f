-- CreateTable
CREATE TABLE "blog_edit_steps" (
    "chat_id" BIGINT NOT NULL,
    "staff_id" BIGINT NOT NULL,
    "article_id" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "expires_at" DATETIME NOT NULL,

    PRIMARY KEY ("chat_id", "staff_id")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_blog_articles" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "source_key" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "url" TEXT,
    "model" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "previewed_at" DATETIME,
    "reviewed_by" BIGINT,
    "reviewed_at" DATETIME,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    "edits" TEXT NOT NULL DEFAULT '{}',
    "revision" INTEGER NOT NULL DEFAULT 1,
    "published_model" TEXT,
    "changes" TEXT
);
INSERT INTO "new_blog_articles" ("created_at", "date", "id", "language", "model", "previewed_at", "reviewed_at", "reviewed_by", "slug", "source_key", "status", "title", "updated_at", "url") SELECT "created_at", "date", "id", "language", "model", "previewed_at", "reviewed_at", "reviewed_by", "slug", "source_key", "status", "title", "updated_at", "url" FROM "blog_articles";
DROP TABLE "blog_articles";
ALTER TABLE "new_blog_articles" RENAME TO "blog_articles";
CREATE UNIQUE INDEX "blog_articles_source_key_key" ON "blog_articles"("source_key");
CREATE INDEX "blog_articles_status_updated_at_idx" ON "blog_articles"("status", "updated_at");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- What patients get of an article already published is what it was before staff could edit.
UPDATE "blog_articles" SET "published_model" = "model" WHERE "status" = 'published';
