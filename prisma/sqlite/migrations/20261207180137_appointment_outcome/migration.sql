-- AlterTable
ALTER TABLE "appointments" ADD COLUMN "outcome_at" DATETIME;
ALTER TABLE "appointments" ADD COLUMN "outcome_by" TEXT;
