-- CreateTable
CREATE TABLE "broadcasts" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "author_id" BIGINT NOT NULL,
    "author_name" TEXT NOT NULL,
    "author_chat_id" BIGINT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'composing',
    "text" TEXT,
    "entities" TEXT,
    "photo_file_id" TEXT,
    "audience" TEXT,
    "recipient_count" INTEGER NOT NULL DEFAULT 0,
    "scheduled_at" DATETIME,
    "started_at" DATETIME,
    "finished_at" DATETIME,
    "progress_message_id" INTEGER,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "broadcasts_status_scheduled_at_idx" ON "broadcasts"("status", "scheduled_at");

-- CreateIndex
CREATE INDEX "broadcasts_author_id_status_idx" ON "broadcasts"("author_id", "status");
