-- CreateTable
CREATE TABLE "blog_articles" (
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
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "content_feed_state" (
    "url" TEXT NOT NULL PRIMARY KEY,
    "etag" TEXT,
    "last_modified" TEXT,
    "last_checked_at" DATETIME,
    "last_success_at" DATETIME,
    "failing_since" DATETIME,
    "last_error" TEXT,
    "failure_notified_at" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "blog_articles_source_key_key" ON "blog_articles"("source_key");

-- CreateIndex
CREATE INDEX "blog_articles_status_updated_at_idx" ON "blog_articles"("status", "updated_at");
