-- CreateTable
CREATE TABLE "blog_articles" (
    "id" SERIAL NOT NULL,
    "source_key" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "url" TEXT,
    "model" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "previewed_at" TIMESTAMP(3),
    "reviewed_by" BIGINT,
    "reviewed_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "blog_articles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "content_feed_state" (
    "url" TEXT NOT NULL,
    "etag" TEXT,
    "last_modified" TEXT,
    "last_checked_at" TIMESTAMP(3),
    "last_success_at" TIMESTAMP(3),
    "failing_since" TIMESTAMP(3),
    "last_error" TEXT,
    "failure_notified_at" TIMESTAMP(3),

    CONSTRAINT "content_feed_state_pkey" PRIMARY KEY ("url")
);

-- CreateIndex
CREATE UNIQUE INDEX "blog_articles_source_key_key" ON "blog_articles"("source_key");

-- CreateIndex
CREATE INDEX "blog_articles_status_updated_at_idx" ON "blog_articles"("status", "updated_at");
