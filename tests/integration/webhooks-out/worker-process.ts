/**
 * A webhook worker as its own process, wired exactly like `npm run worker` wires it
 * (`startWorker` + `webhookPeriodicTasks` from app/lib/boot.server.ts), minus the Remix
 * build. worker-crash.test.ts runs it with tsx against a test database and kill -9s it.
 */
import { getDb } from "~/db/client.server";
import { startWorker } from "~/lib/jobs/worker.server";
import { webhookPeriodicTasks } from "~/lib/webhooks-out/dispatcher.server";

const stop = startWorker({ db: getDb(), handlers: {}, periodic: webhookPeriodicTasks });
// The worker's timers are unref'd (they must not keep a web process alive); this one
// keeps this process up until it is signalled.
const keepAlive = setInterval(() => {}, 60_000);
process.stdout.write("webhook-worker-ready\n");
process.on("SIGTERM", () => {
  clearInterval(keepAlive);
  void stop().then(() => process.exit(0));
});
