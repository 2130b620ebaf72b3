CREATE INDEX "customers_shop_email_prefix_idx" ON "customers" USING btree ("shop_id",lower("email") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "orders_shop_email_prefix_idx" ON "orders" USING btree ("shop_id",lower("email") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "orders_shop_name_prefix_idx" ON "orders" USING btree ("shop_id",lower("name") text_pattern_ops);