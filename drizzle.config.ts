import { defineConfig } from 'drizzle-kit';

// Migrations are generated offline from the table definitions; no database needed.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
