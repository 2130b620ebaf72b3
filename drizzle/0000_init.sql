CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"name" text NOT NULL,
	"public_id" text NOT NULL,
	"secret_hash" text NOT NULL,
	"display_prefix" text NOT NULL,
	"created_by" text,
	"last_used_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_tokens_public_id_unique" UNIQUE("public_id")
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"gid" text,
	"email" text,
	"first_name" text,
	"last_name" text,
	"locale" text,
	"redacted_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_shop_gid_unique" UNIQUE("shop_id","gid")
);
--> statement-breakpoint
CREATE TABLE "digital_product_files" (
	"shop_id" text NOT NULL,
	"digital_product_id" text NOT NULL,
	"file_id" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "digital_product_files_pk" PRIMARY KEY("digital_product_id","file_id")
);
--> statement-breakpoint
CREATE TABLE "digital_product_links" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"digital_product_id" text NOT NULL,
	"title" text NOT NULL,
	"url" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "digital_products" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"name" text NOT NULL,
	"delivering_type" text DEFAULT 'REGULAR' NOT NULL,
	"access" text DEFAULT 'FILE' NOT NULL,
	"download_mode" text DEFAULT 'redirect' NOT NULL,
	"download_type" text DEFAULT 'single_file' NOT NULL,
	"product_gid" text,
	"variant_gids" text[] DEFAULT '{}'::text[] NOT NULL,
	"use_all_variants" boolean DEFAULT true NOT NULL,
	"license_key_tag" text,
	"license_key_mode" text,
	"download_in" integer,
	"max_downloads" integer,
	"notify_when_updated" boolean DEFAULT false NOT NULL,
	"scheduled_delivery_date" timestamp (3) with time zone,
	"scheduled_delivery_timezone" text,
	"is_archived" boolean DEFAULT false NOT NULL,
	"stamping_enabled" boolean DEFAULT false NOT NULL,
	"stamping_template" text,
	"stamping_options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"low_stock_threshold" integer,
	"low_stock_notified_at" timestamp (3) with time zone,
	"source" text DEFAULT 'admin' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "digital_products_delivering_type_check" CHECK ("digital_products"."delivering_type" in ('REGULAR', 'UNIQUE', 'SCHEDULED')),
	CONSTRAINT "digital_products_access_check" CHECK ("digital_products"."access" in ('FILE', 'LICENSE_KEY', 'FILE_WITH_LICENCE_KEY')),
	CONSTRAINT "digital_products_download_mode_check" CHECK ("digital_products"."download_mode" in ('redirect', 'stream')),
	CONSTRAINT "digital_products_download_type_check" CHECK ("digital_products"."download_type" in ('single_file', 'zip')),
	CONSTRAINT "digital_products_license_key_mode_check" CHECK ("digital_products"."license_key_mode" in ('per_quantity', 'per_line')),
	CONSTRAINT "digital_products_source_check" CHECK ("digital_products"."source" in ('admin', 'api')),
	CONSTRAINT "digital_products_limits_check" CHECK ("digital_products"."download_in" >= 0 and "digital_products"."max_downloads" >= 0)
);
--> statement-breakpoint
CREATE TABLE "download_events" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"order_id" text,
	"order_line_id" text,
	"download_link_id" text,
	"file_id" text,
	"customer_id" text,
	"is_redownload" boolean DEFAULT false NOT NULL,
	"counted" boolean DEFAULT true NOT NULL,
	"billable" boolean DEFAULT true NOT NULL,
	"bytes_sent" bigint DEFAULT 0 NOT NULL,
	"range_start" bigint,
	"ip_hash" text,
	"user_agent" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "download_link_files" (
	"shop_id" text NOT NULL,
	"download_link_id" text NOT NULL,
	"file_id" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "download_link_files_pk" PRIMARY KEY("download_link_id","file_id")
);
--> statement-breakpoint
CREATE TABLE "download_links" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"token" text NOT NULL,
	"use_download_limit" boolean DEFAULT false NOT NULL,
	"download_limit" integer,
	"download_count" integer DEFAULT 0 NOT NULL,
	"use_stamping" boolean DEFAULT false NOT NULL,
	"stamping_text" text,
	"expires_at" timestamp (3) with time zone,
	"order_id" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "download_links_token_unique" UNIQUE("token"),
	CONSTRAINT "download_links_stamping_text_check" CHECK (char_length("download_links"."stamping_text") <= 500),
	CONSTRAINT "download_links_counters_check" CHECK ("download_links"."download_count" >= 0 and "download_links"."download_limit" >= 0)
);
--> statement-breakpoint
CREATE TABLE "email_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"order_id" text,
	"kind" text NOT NULL,
	"to_address" text NOT NULL,
	"subject" text,
	"locale" text,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"body_html" text,
	"body_text" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now(),
	"locked_at" timestamp (3) with time zone,
	"locked_by" text,
	"last_error" text,
	"message_id" text,
	"sent_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_messages_kind_check" CHECK ("email_messages"."kind" in ('delivery', 'resend', 'merchant_notice', 'test')),
	CONSTRAINT "email_messages_status_check" CHECK ("email_messages"."status" in ('queued', 'sending', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "files" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"name" text NOT NULL,
	"size" bigint DEFAULT 0 NOT NULL,
	"content_type" text DEFAULT 'application/octet-stream' NOT NULL,
	"checksum_sha256" text,
	"storage_driver" text DEFAULT 'local' NOT NULL,
	"storage_key" text NOT NULL,
	"is_encrypted" boolean DEFAULT false NOT NULL,
	"encryption" jsonb,
	"uploaded" boolean DEFAULT false NOT NULL,
	"source" text DEFAULT 'admin' NOT NULL,
	"deleted_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "files_storage_key_unique" UNIQUE("storage_key"),
	CONSTRAINT "files_storage_driver_check" CHECK ("files"."storage_driver" in ('local', 's3')),
	CONSTRAINT "files_source_check" CHECK ("files"."source" in ('admin', 'api', 'ingest', 'direct_upload', 'seed')),
	CONSTRAINT "files_size_check" CHECK ("files"."size" >= 0)
);
--> statement-breakpoint
CREATE TABLE "idempotency_records" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"api_token_id" text,
	"key" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"request_hash" text NOT NULL,
	"locked_at" timestamp (3) with time zone,
	"response_status" integer,
	"response_headers" jsonb,
	"response_body" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone DEFAULT now() + interval '24 hours' NOT NULL,
	CONSTRAINT "idempotency_records_shop_key_unique" UNIQUE("shop_id","key")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text,
	"type" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"result" jsonb,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 5 NOT NULL,
	"run_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"locked_at" timestamp (3) with time zone,
	"locked_by" text,
	"heartbeat_at" timestamp (3) with time zone,
	"cancel_requested_at" timestamp (3) with time zone,
	"progress_bytes" bigint DEFAULT 0 NOT NULL,
	"total_bytes" bigint,
	"dedupe_key" text,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "jobs_dedupe_key_unique" UNIQUE("dedupe_key"),
	CONSTRAINT "jobs_status_check" CHECK ("jobs"."status" in ('queued', 'running', 'succeeded', 'failed', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "license_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"tag" text,
	"key" text NOT NULL,
	"digital_product_id" text,
	"status" text DEFAULT 'available' NOT NULL,
	"order_id" text,
	"order_line_id" text,
	"assigned_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "license_keys_shop_tag_key_unique" UNIQUE NULLS NOT DISTINCT("shop_id","tag","key"),
	CONSTRAINT "license_keys_status_check" CHECK ("license_keys"."status" in ('available', 'assigned'))
);
--> statement-breakpoint
CREATE TABLE "order_line_files" (
	"shop_id" text NOT NULL,
	"order_line_id" text NOT NULL,
	"file_id" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_line_files_pk" PRIMARY KEY("order_line_id","file_id")
);
--> statement-breakpoint
CREATE TABLE "order_lines" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"order_id" text NOT NULL,
	"digital_product_id" text,
	"gid" text,
	"product_gid" text,
	"variant_gid" text,
	"title" text DEFAULT '' NOT NULL,
	"variant_title" text,
	"sku" text,
	"quantity" integer DEFAULT 1 NOT NULL,
	"price_cents" bigint DEFAULT 0 NOT NULL,
	"delivering_type" text DEFAULT 'REGULAR' NOT NULL,
	"access" text DEFAULT 'FILE' NOT NULL,
	"max_downloads" integer,
	"download_in" integer,
	"expires_at" timestamp (3) with time zone,
	"stamping_enabled" boolean DEFAULT false NOT NULL,
	"stamping_template" text,
	"scheduled_at" timestamp (3) with time zone,
	"download_count" integer DEFAULT 0 NOT NULL,
	"extra_downloads" integer DEFAULT 0 NOT NULL,
	"access_status" text DEFAULT 'enabled' NOT NULL,
	"revoked_at" timestamp (3) with time zone,
	"refunded_quantity" integer DEFAULT 0 NOT NULL,
	"keys_needed" integer DEFAULT 0 NOT NULL,
	"key_status" text DEFAULT 'none' NOT NULL,
	"delivered_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_lines_order_gid_unique" UNIQUE("order_id","gid"),
	CONSTRAINT "order_lines_delivering_type_check" CHECK ("order_lines"."delivering_type" in ('REGULAR', 'UNIQUE', 'SCHEDULED')),
	CONSTRAINT "order_lines_access_check" CHECK ("order_lines"."access" in ('FILE', 'LICENSE_KEY', 'FILE_WITH_LICENCE_KEY')),
	CONSTRAINT "order_lines_access_status_check" CHECK ("order_lines"."access_status" in ('enabled', 'revoked')),
	CONSTRAINT "order_lines_key_status_check" CHECK ("order_lines"."key_status" in ('none', 'awaiting', 'assigned')),
	CONSTRAINT "order_lines_counters_check" CHECK ("order_lines"."quantity" >= 0 and "order_lines"."download_count" >= 0 and "order_lines"."extra_downloads" >= 0 and "order_lines"."refunded_quantity" >= 0 and "order_lines"."keys_needed" >= 0)
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"gid" text,
	"legacy_id" text,
	"name" text NOT NULL,
	"customer_id" text,
	"email" text,
	"currency" text NOT NULL,
	"financial_status" text DEFAULT 'PENDING' NOT NULL,
	"fulfillment_status" text,
	"risk_level" text,
	"dl_access" text DEFAULT 'enabled' NOT NULL,
	"is_imported" boolean DEFAULT false NOT NULL,
	"source" text DEFAULT 'shopify' NOT NULL,
	"access_token" text NOT NULL,
	"status_page_token" text,
	"locale" text,
	"delivery_status" text DEFAULT 'pending' NOT NULL,
	"held_reason" text,
	"approved_at" timestamp (3) with time zone,
	"delivered_at" timestamp (3) with time zone,
	"cancelled_at" timestamp (3) with time zone,
	"total_price_cents" bigint DEFAULT 0 NOT NULL,
	"processed_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_access_token_unique" UNIQUE("access_token"),
	CONSTRAINT "orders_shop_gid_unique" UNIQUE("shop_id","gid"),
	CONSTRAINT "orders_financial_status_check" CHECK ("orders"."financial_status" in ('AUTHORIZED', 'EXPIRED', 'PAID', 'PARTIALLY_PAID', 'PARTIALLY_REFUNDED', 'PENDING', 'REFUNDED', 'VOIDED')),
	CONSTRAINT "orders_dl_access_check" CHECK ("orders"."dl_access" in ('enabled', 'disabled')),
	CONSTRAINT "orders_source_check" CHECK ("orders"."source" in ('shopify', 'api', 'import', 'seed')),
	CONSTRAINT "orders_delivery_status_check" CHECK ("orders"."delivery_status" in ('pending', 'held', 'awaiting_files', 'awaiting_keys', 'scheduled', 'delivered', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "rate_limit_counters" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"shop" text NOT NULL,
	"state" text NOT NULL,
	"isOnline" boolean DEFAULT false NOT NULL,
	"scope" text,
	"expires" timestamp,
	"accessToken" text NOT NULL,
	"userId" bigint,
	"firstName" text,
	"lastName" text,
	"email" text,
	"accountOwner" boolean,
	"locale" text,
	"collaborator" boolean,
	"emailVerified" boolean,
	"refreshToken" text,
	"refreshTokenExpires" timestamp
);
--> statement-breakpoint
CREATE TABLE "shopify_webhook_receipts" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_domain" text NOT NULL,
	"webhook_id" text NOT NULL,
	"topic" text NOT NULL,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp (3) with time zone,
	"job_id" text,
	CONSTRAINT "shopify_webhook_receipts_webhook_id_unique" UNIQUE("webhook_id")
);
--> statement-breakpoint
CREATE TABLE "shops" (
	"id" text PRIMARY KEY NOT NULL,
	"domain" text NOT NULL,
	"name" text,
	"email" text,
	"currency" text DEFAULT 'USD' NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"primary_locale" text DEFAULT 'en' NOT NULL,
	"plan" text DEFAULT 'basic' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"installed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"uninstalled_at" timestamp (3) with time zone,
	"api_access" text DEFAULT 'active' NOT NULL,
	"api_access_requested_at" timestamp (3) with time zone,
	"require_idempotency_key" boolean DEFAULT false NOT NULL,
	"deliver_on" text DEFAULT 'paid' NOT NULL,
	"hold_high_risk" boolean DEFAULT true NOT NULL,
	"auto_fulfill" boolean DEFAULT false NOT NULL,
	"refund_access_mode" text DEFAULT 'refunded_lines' NOT NULL,
	"brand_logo_url" text,
	"brand_color" text,
	"email_sender_name" text,
	"email_reply_to" text,
	"email_templates" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"download_page_settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"low_stock_notice_email" text,
	"ingest_allowed_hosts" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shops_domain_unique" UNIQUE("domain"),
	CONSTRAINT "shops_plan_check" CHECK ("shops"."plan" in ('basic', 'premium')),
	CONSTRAINT "shops_status_check" CHECK ("shops"."status" in ('active', 'inactive', 'uninstalled')),
	CONSTRAINT "shops_api_access_check" CHECK ("shops"."api_access" in ('active', 'pending', 'suspended')),
	CONSTRAINT "shops_deliver_on_check" CHECK ("shops"."deliver_on" in ('paid', 'created')),
	CONSTRAINT "shops_refund_access_mode_check" CHECK ("shops"."refund_access_mode" in ('whole_order', 'refunded_lines', 'none'))
);
--> statement-breakpoint
CREATE TABLE "uploads" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"file_id" text,
	"name" text NOT NULL,
	"size" bigint NOT NULL,
	"content_type" text DEFAULT 'application/octet-stream' NOT NULL,
	"checksum_sha256" text,
	"part_size" integer NOT NULL,
	"storage_key" text NOT NULL,
	"storage_upload_id" text,
	"parts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"bytes_received" bigint DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"completed_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uploads_status_check" CHECK ("uploads"."status" in ('pending', 'completed', 'aborted', 'expired'))
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"event_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now(),
	"last_attempt_at" timestamp (3) with time zone,
	"locked_at" timestamp (3) with time zone,
	"locked_by" text,
	"last_response_status" integer,
	"last_error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_deliveries_endpoint_event_unique" UNIQUE("endpoint_id","event_id"),
	CONSTRAINT "webhook_deliveries_status_check" CHECK ("webhook_deliveries"."status" in ('pending', 'succeeded', 'failed', 'dead'))
);
--> statement-breakpoint
CREATE TABLE "webhook_delivery_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"delivery_id" text NOT NULL,
	"attempt_number" integer DEFAULT 1 NOT NULL,
	"attempted_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"response_status" integer,
	"duration_ms" integer,
	"response_snippet" text,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"events" text[] DEFAULT '{}'::text[] NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"secret" text NOT NULL,
	"previous_secret" text,
	"previous_secret_expires_at" timestamp (3) with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"last_success_at" timestamp (3) with time zone,
	"last_failure_at" timestamp (3) with time zone,
	"disabled_at" timestamp (3) with time zone,
	"disabled_reason" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"api_version" text DEFAULT 'v1' NOT NULL,
	"is_test" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"dispatched_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digital_product_files" ADD CONSTRAINT "digital_product_files_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digital_product_files" ADD CONSTRAINT "digital_product_files_digital_product_id_digital_products_id_fk" FOREIGN KEY ("digital_product_id") REFERENCES "public"."digital_products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digital_product_files" ADD CONSTRAINT "digital_product_files_file_id_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."files"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digital_product_links" ADD CONSTRAINT "digital_product_links_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digital_product_links" ADD CONSTRAINT "digital_product_links_digital_product_id_digital_products_id_fk" FOREIGN KEY ("digital_product_id") REFERENCES "public"."digital_products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digital_products" ADD CONSTRAINT "digital_products_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "download_events" ADD CONSTRAINT "download_events_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "download_events" ADD CONSTRAINT "download_events_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "download_events" ADD CONSTRAINT "download_events_order_line_id_order_lines_id_fk" FOREIGN KEY ("order_line_id") REFERENCES "public"."order_lines"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "download_events" ADD CONSTRAINT "download_events_download_link_id_download_links_id_fk" FOREIGN KEY ("download_link_id") REFERENCES "public"."download_links"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "download_events" ADD CONSTRAINT "download_events_file_id_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."files"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "download_events" ADD CONSTRAINT "download_events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "download_link_files" ADD CONSTRAINT "download_link_files_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "download_link_files" ADD CONSTRAINT "download_link_files_download_link_id_download_links_id_fk" FOREIGN KEY ("download_link_id") REFERENCES "public"."download_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "download_link_files" ADD CONSTRAINT "download_link_files_file_id_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."files"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "download_links" ADD CONSTRAINT "download_links_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "download_links" ADD CONSTRAINT "download_links_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_messages" ADD CONSTRAINT "email_messages_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_messages" ADD CONSTRAINT "email_messages_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "files" ADD CONSTRAINT "files_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_records" ADD CONSTRAINT "idempotency_records_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_records" ADD CONSTRAINT "idempotency_records_api_token_id_api_tokens_id_fk" FOREIGN KEY ("api_token_id") REFERENCES "public"."api_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "license_keys" ADD CONSTRAINT "license_keys_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "license_keys" ADD CONSTRAINT "license_keys_digital_product_id_digital_products_id_fk" FOREIGN KEY ("digital_product_id") REFERENCES "public"."digital_products"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "license_keys" ADD CONSTRAINT "license_keys_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "license_keys" ADD CONSTRAINT "license_keys_order_line_id_order_lines_id_fk" FOREIGN KEY ("order_line_id") REFERENCES "public"."order_lines"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_line_files" ADD CONSTRAINT "order_line_files_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_line_files" ADD CONSTRAINT "order_line_files_order_line_id_order_lines_id_fk" FOREIGN KEY ("order_line_id") REFERENCES "public"."order_lines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_line_files" ADD CONSTRAINT "order_line_files_file_id_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."files"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_digital_product_id_digital_products_id_fk" FOREIGN KEY ("digital_product_id") REFERENCES "public"."digital_products"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shopify_webhook_receipts" ADD CONSTRAINT "shopify_webhook_receipts_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_file_id_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."files"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_webhook_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."webhook_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_delivery_attempts" ADD CONSTRAINT "webhook_delivery_attempts_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_delivery_attempts" ADD CONSTRAINT "webhook_delivery_attempts_delivery_id_webhook_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."webhook_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_cursor_idx" ON "api_tokens" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "customers_shop_email_idx" ON "customers" USING btree ("shop_id","email");--> statement-breakpoint
CREATE INDEX "customers_cursor_idx" ON "customers" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "digital_product_files_file_idx" ON "digital_product_files" USING btree ("file_id");--> statement-breakpoint
CREATE INDEX "digital_product_links_product_idx" ON "digital_product_links" USING btree ("digital_product_id","position");--> statement-breakpoint
CREATE INDEX "digital_products_cursor_idx" ON "digital_products" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "digital_products_shop_id_idx" ON "digital_products" USING btree ("shop_id","id");--> statement-breakpoint
CREATE INDEX "digital_products_shop_product_gid_idx" ON "digital_products" USING btree ("shop_id","product_gid");--> statement-breakpoint
CREATE INDEX "digital_products_variant_gids_gin_idx" ON "digital_products" USING gin ("variant_gids");--> statement-breakpoint
CREATE INDEX "download_events_cursor_idx" ON "download_events" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "download_events_shop_file_idx" ON "download_events" USING btree ("shop_id","file_id","created_at");--> statement-breakpoint
CREATE INDEX "download_events_line_file_idx" ON "download_events" USING btree ("order_line_id","file_id");--> statement-breakpoint
CREATE INDEX "download_events_shop_customer_idx" ON "download_events" USING btree ("shop_id","customer_id","created_at");--> statement-breakpoint
CREATE INDEX "download_link_files_file_idx" ON "download_link_files" USING btree ("file_id");--> statement-breakpoint
CREATE INDEX "download_links_cursor_idx" ON "download_links" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "download_links_order_idx" ON "download_links" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "email_messages_due_idx" ON "email_messages" USING btree ("next_attempt_at") WHERE "email_messages"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "email_messages_cursor_idx" ON "email_messages" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "email_messages_order_idx" ON "email_messages" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "files_cursor_idx" ON "files" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "files_shop_id_idx" ON "files" USING btree ("shop_id","id");--> statement-breakpoint
CREATE INDEX "files_shop_checksum_idx" ON "files" USING btree ("shop_id","checksum_sha256");--> statement-breakpoint
CREATE INDEX "files_shop_content_type_idx" ON "files" USING btree ("shop_id","content_type");--> statement-breakpoint
CREATE INDEX "idempotency_records_expires_at_idx" ON "idempotency_records" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "jobs_queued_run_at_idx" ON "jobs" USING btree ("run_at") WHERE "jobs"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "jobs_status_heartbeat_idx" ON "jobs" USING btree ("status","heartbeat_at");--> statement-breakpoint
CREATE INDEX "jobs_cursor_idx" ON "jobs" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "license_keys_available_idx" ON "license_keys" USING btree ("shop_id","tag","created_at","id") WHERE "license_keys"."status" = 'available';--> statement-breakpoint
CREATE INDEX "license_keys_shop_key_idx" ON "license_keys" USING btree ("shop_id","key");--> statement-breakpoint
CREATE INDEX "license_keys_cursor_idx" ON "license_keys" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "license_keys_shop_id_idx" ON "license_keys" USING btree ("shop_id","id");--> statement-breakpoint
CREATE INDEX "license_keys_order_idx" ON "license_keys" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "license_keys_order_line_idx" ON "license_keys" USING btree ("order_line_id");--> statement-breakpoint
CREATE INDEX "order_line_files_file_idx" ON "order_line_files" USING btree ("file_id");--> statement-breakpoint
CREATE INDEX "order_lines_shop_product_idx" ON "order_lines" USING btree ("shop_id","digital_product_id");--> statement-breakpoint
CREATE INDEX "order_lines_awaiting_keys_idx" ON "order_lines" USING btree ("shop_id","digital_product_id","created_at") WHERE "order_lines"."key_status" = 'awaiting';--> statement-breakpoint
CREATE INDEX "order_lines_scheduled_idx" ON "order_lines" USING btree ("scheduled_at") WHERE "order_lines"."scheduled_at" is not null and "order_lines"."delivered_at" is null;--> statement-breakpoint
CREATE INDEX "orders_cursor_idx" ON "orders" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "orders_shop_id_idx" ON "orders" USING btree ("shop_id","id");--> statement-breakpoint
CREATE INDEX "orders_shop_customer_idx" ON "orders" USING btree ("shop_id","customer_id");--> statement-breakpoint
CREATE INDEX "orders_shop_name_idx" ON "orders" USING btree ("shop_id","name");--> statement-breakpoint
CREATE INDEX "orders_shop_email_idx" ON "orders" USING btree ("shop_id","email");--> statement-breakpoint
CREATE INDEX "orders_shop_financial_status_idx" ON "orders" USING btree ("shop_id","financial_status","created_at");--> statement-breakpoint
CREATE INDEX "orders_status_page_token_idx" ON "orders" USING btree ("status_page_token");--> statement-breakpoint
CREATE INDEX "rate_limit_counters_expires_at_idx" ON "rate_limit_counters" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "sessions_shop_idx" ON "sessions" USING btree ("shop");--> statement-breakpoint
CREATE INDEX "shopify_webhook_receipts_received_at_idx" ON "shopify_webhook_receipts" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "shopify_webhook_receipts_shop_domain_idx" ON "shopify_webhook_receipts" USING btree ("shop_domain","received_at");--> statement-breakpoint
CREATE INDEX "uploads_cursor_idx" ON "uploads" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "uploads_pending_expires_idx" ON "uploads" USING btree ("expires_at") WHERE "uploads"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_cursor_idx" ON "webhook_deliveries" USING btree ("endpoint_id","created_at","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_event_idx" ON "webhook_deliveries" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "webhook_delivery_attempts_delivery_idx" ON "webhook_delivery_attempts" USING btree ("delivery_id","attempted_at");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_cursor_idx" ON "webhook_endpoints" USING btree ("shop_id","created_at","id");--> statement-breakpoint
CREATE INDEX "webhook_events_undispatched_idx" ON "webhook_events" USING btree ("created_at") WHERE "webhook_events"."dispatched_at" is null;--> statement-breakpoint
CREATE INDEX "webhook_events_cursor_idx" ON "webhook_events" USING btree ("shop_id","created_at","id");