-- CreateTable
CREATE TABLE "processed_updates" (
    "update_id" BIGINT NOT NULL PRIMARY KEY,
    "received_at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "processed_updates_received_at_idx" ON "processed_updates"("received_at");
