-- CreateTable
CREATE TABLE "outbox" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "priority" INTEGER NOT NULL,
    "chat_id" BIGINT NOT NULL,
    "user_id" BIGINT,
    "broadcast_id" INTEGER,
    "payload" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "due_at" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claimed_by" TEXT,
    "claimed_at" DATETIME,
    "sent_at" DATETIME,
    "telegram_message_id" INTEGER,
    "last_error" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "tip_subscriptions" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "user_id" BIGINT NOT NULL,
    "weekday" INTEGER NOT NULL,
    "hour" INTEGER NOT NULL,
    "time_zone" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "next_due_at" DATETIME NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "tip_subscriptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "tip_deliveries" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "user_id" BIGINT NOT NULL,
    "tip_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "week_key" TEXT,
    "delivered_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "tip_deliveries_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_key_key" ON "outbox"("key");

-- CreateIndex
CREATE INDEX "outbox_status_priority_due_at_idx" ON "outbox"("status", "priority", "due_at");

-- CreateIndex
CREATE INDEX "outbox_broadcast_id_status_idx" ON "outbox"("broadcast_id", "status");

-- CreateIndex
CREATE INDEX "outbox_chat_id_status_idx" ON "outbox"("chat_id", "status");

-- CreateIndex
CREATE INDEX "outbox_claimed_by_idx" ON "outbox"("claimed_by");

-- CreateIndex
CREATE UNIQUE INDEX "tip_subscriptions_user_id_key" ON "tip_subscriptions"("user_id");

-- CreateIndex
CREATE INDEX "tip_subscriptions_active_next_due_at_idx" ON "tip_subscriptions"("active", "next_due_at");

-- CreateIndex
CREATE INDEX "tip_deliveries_delivered_at_idx" ON "tip_deliveries"("delivered_at");

-- CreateIndex
CREATE UNIQUE INDEX "tip_deliveries_user_id_tip_id_key" ON "tip_deliveries"("user_id", "tip_id");
