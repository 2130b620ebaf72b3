import { dbDriver, getDb, pingDb } from "~/db/client.server";

export interface Health {
  status: "ok" | "degraded";
  database: { driver: "postgres" | "pglite"; ok: boolean; latency_ms: number | null };
}

/** What load balancers and the demo script poll: is the database answering? */
export async function checkHealth(): Promise<Health> {
  const ping = await pingDb(getDb()).catch(() => ({ ok: false, latencyMs: null }));
  return {
    status: ping.ok ? "ok" : "degraded",
    database: { driver: dbDriver(), ok: ping.ok, latency_ms: ping.latencyMs },
  };
}
