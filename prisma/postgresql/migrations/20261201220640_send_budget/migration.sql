-- CreateTable
CREATE TABLE "send_budget" (
    "id" INTEGER NOT NULL,
    "next_at" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "paused_until" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "holder" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "send_budget_pkey" PRIMARY KEY ("id")
);
