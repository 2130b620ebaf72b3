import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { randomBytes } from "node:crypto";
import { text } from "node:stream/consumers";
import { createLocalDriver } from "~/lib/storage/local-driver.server";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "handoff-storage-"));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe("local storage driver", () => {
  it("streams a file in, reports its size, and streams it back (whole and by range)", async () => {
    const driver = createLocalDriver(root);
    const body = randomBytes(300_000);
    const chunks = [body.subarray(0, 100_000), body.subarray(100_000)];
    const stored = await driver.put("shop_a/file_1", Readable.from(chunks));
    expect(stored).toEqual({ size: body.length });
    expect(await driver.stat("shop_a/file_1")).toEqual({ size: body.length });

    const whole = Buffer.concat(await (await driver.get("shop_a/file_1")).toArray());
    expect(whole.equals(body)).toBe(true);
    const part = Buffer.concat(
      await (await driver.get("shop_a/file_1", { start: 10, end: 19 })).toArray(),
    );
    expect(part.equals(body.subarray(10, 20))).toBe(true);
  });

  it("writes bodies larger than its write batch byte for byte", async () => {
    const driver = createLocalDriver(root);
    // More than the 1 MiB write batch, in uneven pieces (tiny, odd, and several MiB).
    const body = randomBytes(5 * 1024 * 1024 + 7);
    const cuts = [0, 5, 70_000, 70_001, 1024 * 1024, 4 * 1024 * 1024 + 3, body.length];
    const pieces = () => cuts.slice(1).map((end, i) => body.subarray(cuts[i], end));
    const stored = await driver.put("shop_a/file_big", Readable.from(pieces()));
    expect(stored).toEqual({ size: body.length });
    const back = Buffer.concat(await (await driver.get("shop_a/file_big")).toArray());
    expect(back.equals(body)).toBe(true);
  });

  it("leaves no partial file behind when the upload stream fails", async () => {
    const driver = createLocalDriver(root);
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from("half");
        throw new Error("client went away");
      })(),
    );
    await expect(driver.put("shop_a/file_2", failing)).rejects.toThrow("client went away");
    expect(await driver.stat("shop_a/file_2")).toBeNull();
    expect((await readdir(join(root, "shop_a"))).filter((n) => n.includes("file_2"))).toEqual([]);
  });

  it("refuses keys that could escape the storage root", async () => {
    const driver = createLocalDriver(root);
    for (const key of ["../etc/passwd", "shop/../../x", "/abs", "a//b", "shop/..", ""]) {
      await expect(driver.put(key, Readable.from([Buffer.from("x")])), key).rejects.toThrow(
        /Invalid storage key/,
      );
    }
  });

  it("deletes idempotently and reports missing files as null", async () => {
    const driver = createLocalDriver(root);
    await driver.put("shop_b/file_3", Readable.from([Buffer.from("bye")]));
    expect(await text(await driver.get("shop_b/file_3"))).toBe("bye");
    await driver.delete("shop_b/file_3");
    await driver.delete("shop_b/file_3");
    expect(await driver.stat("shop_b/file_3")).toBeNull();
  });
});
