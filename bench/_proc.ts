/** Watching a server process from outside: its pid and resident memory (Linux /proc). */
import { readdir, readFile } from "node:fs/promises";
import { percentile } from "./_stats";

/** The pid of the child listening on `port` (a test server has PORT in its env). */
export async function pidOfServer(port: number): Promise<number> {
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = await readFile(`/proc/${entry}/environ`, "latin1");
      const cmd = await readFile(`/proc/${entry}/cmdline`, "latin1");
      if (cmd.includes("server.mjs") && env.split("\0").includes(`PORT=${port}`))
        return Number(entry);
    } catch {
      // not ours, or gone
    }
  }
  throw new Error(`no server process on port ${port}`);
}

export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** Samples VmRSS every 100 ms until `stop()`. */
export function sampler(pid: number) {
  const samples: number[] = [];
  const timer = setInterval(() => {
    rssMb(pid).then(
      (v) => samples.push(v),
      () => {},
    );
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      const avg = samples.reduce((sum, v) => sum + v, 0) / Math.max(1, samples.length);
      return {
        max: Math.max(...samples),
        avg: Math.round(avg),
        p50: percentile(samples, 50),
        samples: samples.length,
      };
    },
  };
}

/** CPU seconds (user + system) of a process, or of one of its threads. */
export async function cpuSeconds(pid: number, tid?: number): Promise<number> {
  const path = tid ? `/proc/${pid}/task/${tid}/stat` : `/proc/${pid}/stat`;
  const stat = await readFile(path, "utf8");
  const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
}

/**
 * CPU seconds of a process's main thread and of all its other threads (libuv's thread
 * pool, V8's GC and compiler threads: Node names them all "node").
 */
export async function cpuSplit(pid: number): Promise<{ main: number; other: number }> {
  let main = 0;
  let other = 0;
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    try {
      const seconds = await cpuSeconds(pid, Number(tid));
      if (tid === String(pid)) main = seconds;
      else other += seconds;
    } catch {
      // The thread ended between readdir and read.
    }
  }
  return { main, other };
}
