-- CreateTable
CREATE TABLE "send_budget" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "next_at" REAL NOT NULL DEFAULT 0,
    "paused_until" REAL NOT NULL DEFAULT 0,
    "holder" TEXT NOT NULL DEFAULT ''
);
