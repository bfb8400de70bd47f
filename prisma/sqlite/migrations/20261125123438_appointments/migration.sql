-- CreateTable
CREATE TABLE "appointment_requests" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "user_id" BIGINT,
    "chat_id" BIGINT,
    "service_id" TEXT NOT NULL,
    "practitioner_id" TEXT NOT NULL,
    "any_practitioner" BOOLEAN NOT NULL DEFAULT false,
    "starts_at" DATETIME NOT NULL,
    "ends_at" DATETIME NOT NULL,
    "patient_name" TEXT,
    "phone" TEXT,
    "direct_billing" BOOLEAN NOT NULL DEFAULT false,
    "insurer" TEXT,
    "billing_note" TEXT,
    "note" TEXT,
    "red_flags" TEXT,
    "language" TEXT NOT NULL DEFAULT 'en',
    "status" TEXT NOT NULL DEFAULT 'requested',
    "proposed_starts_at" DATETIME,
    "proposed_practitioner_id" TEXT,
    "decline_reason" TEXT,
    "handled_by_id" BIGINT,
    "handled_by_name" TEXT,
    "handled_at" DATETIME,
    "replaces_appointment_id" INTEGER,
    "stale_notified_at" DATETIME,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "appointments" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "request_id" INTEGER NOT NULL,
    "user_id" BIGINT,
    "chat_id" BIGINT,
    "service_id" TEXT NOT NULL,
    "practitioner_id" TEXT NOT NULL,
    "starts_at" DATETIME NOT NULL,
    "ends_at" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'confirmed',
    "attendance" TEXT,
    "cancelled_at" DATETIME,
    "cancelled_by" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "appointments_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "appointment_requests" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "appointment_slots" (
    "practitioner_id" TEXT NOT NULL,
    "cell_start" DATETIME NOT NULL,
    "appointment_id" INTEGER NOT NULL,

    PRIMARY KEY ("practitioner_id", "cell_start"),
    CONSTRAINT "appointment_slots_appointment_id_fkey" FOREIGN KEY ("appointment_id") REFERENCES "appointments" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "waitlist_entries" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "user_id" BIGINT NOT NULL,
    "chat_id" BIGINT NOT NULL,
    "service_id" TEXT NOT NULL,
    "practitioner_id" TEXT,
    "date" TEXT NOT NULL,
    "patient_name" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'en',
    "status" TEXT NOT NULL DEFAULT 'waiting',
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "waitlist_entries_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "appointment_requests_status_created_at_idx" ON "appointment_requests"("status", "created_at");

-- CreateIndex
CREATE INDEX "appointment_requests_user_id_status_idx" ON "appointment_requests"("user_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "appointments_request_id_key" ON "appointments"("request_id");

-- CreateIndex
CREATE INDEX "appointments_starts_at_status_idx" ON "appointments"("starts_at", "status");

-- CreateIndex
CREATE INDEX "appointments_user_id_status_idx" ON "appointments"("user_id", "status");

-- CreateIndex
CREATE INDEX "appointment_slots_appointment_id_idx" ON "appointment_slots"("appointment_id");

-- CreateIndex
CREATE INDEX "waitlist_entries_service_id_date_status_idx" ON "waitlist_entries"("service_id", "date", "status");
