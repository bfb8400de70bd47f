-- AlterTable
-- In the models' order, so the columns stand where a database built from the models has them.
ALTER TABLE "blog_articles" ADD COLUMN     "edits" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "published_model" TEXT,
ADD COLUMN     "changes" TEXT;

-- CreateTable
CREATE TABLE "blog_edit_steps" (
    "chat_id" BIGINT NOT NULL,
    "staff_id" BIGINT NOT NULL,
    "article_id" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "blog_edit_steps_pkey" PRIMARY KEY ("chat_id","staff_id")
);

-- What patients get of an article already published is what it was before staff could edit.
UPDATE "blog_articles" SET "published_model" = "model" WHERE "status" = 'published';
