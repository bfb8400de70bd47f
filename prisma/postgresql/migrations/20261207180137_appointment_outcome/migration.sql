-- AlterTable
ALTER TABLE "appointments" ADD COLUMN     "outcome_at" TIMESTAMP(3),
ADD COLUMN     "outcome_by" TEXT;
