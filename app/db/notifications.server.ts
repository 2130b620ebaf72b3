import postgres from "postgres";
import { log } from "~/lib/request-context.server";
import { sideConnectionOf, type Db } from "./client.server";

/**
 * LISTEN on a Postgres channel, with an explicit notion of being live. A process that
 * caches rows and drops them on notifications may trust its cache only while the
 * listening connection is up: notifications sent while it is down are lost. So:
 * `onLive` runs each time LISTEN is (re-)established (start from an empty cache), and
 * `onLost` the moment the connection closes (stop using the cache). Reconnects retry
 * every second until `close()`.
 *
 * `barrier()` makes "every change committed before now has been heard" exact rather than
 * "within milliseconds": it is a round trip on the listening connection itself, and
 * Postgres sends a backend's pending notifications before the ReadyForQuery that ends
 * any command (postgres.c; the committing backend signalled this one before its own
 * client learnt of the commit). One barrier serves every caller that arrived before it
 * was sent, so under load many requests share one `SELECT 1`.
 *
 * Returns null on PGlite: there is no second connection to listen on.
 */
export interface NotificationHandlers {
  onMessage: (payload: string) => void;
  onLive: () => void;
  onLost: () => void;
}

export interface NotificationSubscription {
  /** Resolves once every notification committed before the call has been handled. */
  barrier: () => Promise<void>;
  close: () => Promise<void>;
}

const RETRY_MS = 1000;

export function listenForNotifications(
  db: Db,
  channel: string,
  handlers: NotificationHandlers,
): NotificationSubscription | null {
  const side = sideConnectionOf(db);
  if (!side) return null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const options = {
    max: 1,
    // One long-lived connection: no idle or lifetime recycling (each would drop LISTEN).
    idle_timeout: 0,
    max_lifetime: null,
    fetch_types: false,
    // Names the connection in pg_stat_activity (operators, and the tests, find it there).
    connection: { application_name: `handoff-listen:${channel}` },
    onnotice: () => {},
    onclose: () => {
      handlers.onLost();
      scheduleListen();
    },
    // Read by postgres.js's connection (its own listen() passes it the same way); not in
    // its typings.
    onnotify: (name: string, payload: string) => {
      if (name === channel) handlers.onMessage(payload);
    },
  };
  const client = postgres(side.databaseUrl, options as postgres.Options<Record<string, never>>);

  function scheduleListen() {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void startListening();
    }, RETRY_MS);
    retry.unref();
  }
  async function startListening() {
    try {
      await client.unsafe(`LISTEN "${channel.replace(/"/g, '""')}"`);
      if (!closed) handlers.onLive();
    } catch (error) {
      if (closed) return;
      log().warn({ err: error, channel }, "LISTEN failed; retrying");
      scheduleListen();
    }
  }
  void startListening();

  // At most one barrier on the wire. Callers arriving while it is in flight may have
  // missed a commit it was sent too early to cover: they share the next one.
  let inFlight: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  function barrier(): Promise<void> {
    if (!inFlight) {
      inFlight = client
        .unsafe("select 1")
        // The simple query protocol: one message each way, nothing to prepare.
        .simple()
        .then(
          () => {
            inFlight = null;
          },
          (error: unknown) => {
            inFlight = null;
            throw error;
          },
        );
      return inFlight;
    }
    next ??= inFlight
      .catch(() => {})
      .then(() => {
        next = null;
        return barrier();
      });
    return next;
  }

  const close = async () => {
    if (closed) return;
    closed = true;
    clearTimeout(retry);
    handlers.onLost();
    await client.end({ timeout: 2 });
  };
  side.onClose(close);
  return { barrier, close };
}
