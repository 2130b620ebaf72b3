import { defineConfig } from "drizzle-kit";

/**
 * drizzle-kit reads the schema and writes SQL migrations to ./drizzle (committed).
 * `npm run db:generate` after changing app/db/schema.ts; never hand-edit generated SQL
 * (write a custom one with `npx drizzle-kit generate --custom --name <what>` instead).
 * Migrations are applied by app/db/migrate.server.ts (`npm run migrate`, and at boot).
 */
export default defineConfig({
  dialect: "postgresql",
  schema: "./app/db/schema.ts",
  out: "./drizzle",
  strict: true,
  verbose: true,
  // Only for `drizzle-kit studio`/`check` against a real server; `generate` needs no DB.
  ...(process.env.DATABASE_URL ? { dbCredentials: { url: process.env.DATABASE_URL } } : {}),
});
