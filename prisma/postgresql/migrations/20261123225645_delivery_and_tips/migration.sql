-- CreateTable
CREATE TABLE "outbox" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "priority" INTEGER NOT NULL,
    "chat_id" BIGINT NOT NULL,
    "user_id" BIGINT,
    "broadcast_id" INTEGER,
    "payload" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "due_at" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claimed_by" TEXT,
    "claimed_at" TIMESTAMP(3),
    "sent_at" TIMESTAMP(3),
    "telegram_message_id" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tip_subscriptions" (
    "id" SERIAL NOT NULL,
    "user_id" BIGINT NOT NULL,
    "weekday" INTEGER NOT NULL,
    "hour" INTEGER NOT NULL,
    "time_zone" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "next_due_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "tip_subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tip_deliveries" (
    "id" SERIAL NOT NULL,
    "user_id" BIGINT NOT NULL,
    "tip_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "week_key" TEXT,
    "delivered_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tip_deliveries_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "tip_subscriptions" ADD CONSTRAINT "tip_subscriptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tip_deliveries" ADD CONSTRAINT "tip_deliveries_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
