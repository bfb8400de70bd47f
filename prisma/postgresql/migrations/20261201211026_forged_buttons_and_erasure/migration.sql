-- AlterTable
ALTER TABLE "broadcasts" ADD COLUMN     "figures" TEXT,
ADD COLUMN     "recipients_queued_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "outbox" ADD COLUMN     "about_user_id" BIGINT;

-- CreateTable
CREATE TABLE "waitlist_offers" (
    "id" SERIAL NOT NULL,
    "entry_id" INTEGER NOT NULL,
    "practitioner_id" TEXT NOT NULL,
    "starts_at" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'offered',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "waitlist_offers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "waitlist_offers_entry_id_practitioner_id_starts_at_key" ON "waitlist_offers"("entry_id", "practitioner_id", "starts_at");

-- CreateIndex
CREATE INDEX "outbox_about_user_id_idx" ON "outbox"("about_user_id");

-- CreateIndex
CREATE INDEX "outbox_status_updated_at_idx" ON "outbox"("status", "updated_at");

-- CreateIndex
CREATE INDEX "waitlist_entries_user_id_status_idx" ON "waitlist_entries"("user_id", "status");

-- AddForeignKey
ALTER TABLE "waitlist_offers" ADD CONSTRAINT "waitlist_offers_entry_id_fkey" FOREIGN KEY ("entry_id") REFERENCES "waitlist_entries"("id") ON DELETE CASCADE ON UPDATE CASCADE;
