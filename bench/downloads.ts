/**
 * Downloads over loopback: a 1 GB file fetched by 8 concurrent clients from Handoff
 * (plain and encrypted at rest) vs a bare node:http + fs.createReadStream server on the
 * same file, with the Handoff server's RSS sampled throughout; then stamping a 100-page
 * PDF (first time and cached). The file lives in bench/tmp/ and is deleted afterwards.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { link, mkdir, rm } from "node:fs/promises";
import http from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { files, orderLines } from "~/db/schema";
import { stampPdf } from "~/lib/pdf/stamp.server";
import { parseStampingOptions } from "~/lib/pdf/template";
import {
  closeDb,
  connectToServerDb,
  createCustomer,
  createDigitalProduct,
  createOrder,
  createShop,
  createStoredFile,
} from "../tests/helpers/factories";
import { startServer } from "../tests/helpers/server";
import { createEncryptedFile, TEST_FILE_KEY } from "../tests/integration/downloads/helpers";
import { pidOfServer, sampler } from "./_proc";
import { percentile } from "./_stats";

const SIZE = Number(process.env.BENCH_FILE_MB ?? 1024) * 1024 * 1024;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const TMP = fileURLToPath(new URL("./tmp/", import.meta.url));
const MB = 1024 * 1024;

async function makeFile(path: string): Promise<void> {
  const block = randomBytes(MB);
  const out = createWriteStream(path);
  for (let written = 0; written < SIZE; written += MB) {
    if (!out.write(block)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => {
    out.once("error", reject);
    out.end(() => resolve());
  });
}

/** GETs `url` with CLIENTS concurrent clients; each reads (and drops) the whole body. */
async function fetchAll(url: string): Promise<{ seconds: number; mbPerSecond: number }> {
  const started = performance.now();
  await Promise.all(
    Array.from(
      { length: CLIENTS },
      () =>
        new Promise<void>((resolve, reject) => {
          http
            .get(url, { agent: false }, (res) => {
              let bytes = 0;
              res.on("data", (chunk: Buffer) => (bytes += chunk.length));
              res.on("end", () =>
                bytes === SIZE && res.statusCode === 200
                  ? resolve()
                  : reject(new Error(`${url}: ${res.statusCode}, ${bytes} bytes`)),
              );
              res.on("error", reject);
            })
            .on("error", reject);
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds: Math.round(seconds * 100) / 100,
    mbPerSecond: Math.round((CLIENTS * SIZE) / MB / seconds),
  };
}

async function startBareServer(path: string): Promise<{ url: string; stop: () => void }> {
  const script = `
    const http = require("node:http"), fs = require("node:fs");
    const size = fs.statSync(${JSON.stringify(path)}).size;
    const server = http.createServer((req, res) => {
      res.writeHead(200, { "Content-Length": size, "Content-Type": "application/octet-stream" });
      fs.createReadStream(${JSON.stringify(path)}).pipe(res);
    }).listen(0, "127.0.0.1", () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) =>
    child.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))),
  );
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

async function hundredPagePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (let i = 0; i < 100; i++) {
    const page = doc.addPage([595, 842]);
    for (let l = 0; l < 40; l++) {
      page.drawText(`Page ${i + 1}, line ${l + 1}: the quick brown fox jumps over the lazy dog.`, {
        x: 50,
        y: 800 - l * 19,
        size: 11,
        font,
      });
    }
  }
  return Buffer.from(await doc.save());
}

export default async function downloadsBench() {
  await mkdir(TMP, { recursive: true });
  const plainPath = join(TMP, "download-1g.bin");
  const results: Record<string, unknown> = { file_mb: SIZE / MB, clients: CLIENTS };
  const server = await startServer({
    env: { FILE_ENCRYPTION_KEY: TEST_FILE_KEY, LOG_LEVEL: "warn" },
  });
  const db = connectToServerDb(server);
  try {
    console.log(`generating ${SIZE / MB} MB…`);
    await makeFile(plainPath);

    const shop = await createShop(db);
    // Plain: a hard link of the bench file into the server's storage (same disk).
    const plain = await createStoredFile(db, shop, {
      dataDir: server.dataDir,
      name: "plain.bin",
      body: Buffer.from("x"),
    });
    const plainTarget = join(server.dataDir, "files", plain.storageKey);
    await rm(plainTarget);
    await link(plainPath, plainTarget).catch(async () => {
      const { copyFile } = await import("node:fs/promises");
      await copyFile(plainPath, plainTarget);
    });
    await db
      .update(files)
      .set({ size: SIZE, checksumSha256: "bench-plain" })
      .where(eq(files.id, plain.id));
    console.log("encrypting a copy…");
    const encStarted = performance.now();
    const encrypted = await createEncryptedFileFromPath(db, shop, server.dataDir, plainPath);
    results.encrypt_1g_seconds = Math.round((performance.now() - encStarted) / 10) / 100;

    const product = await createDigitalProduct(db, shop, { name: "Big", maxDownloads: null }, [
      { ...plain, size: SIZE },
      encrypted,
    ]);
    const customer = await createCustomer(db, shop);
    const { order, lines } = await createOrder(db, shop, { customer, products: [product] });
    const base = `${server.url}/d/${order.accessToken}/${lines[0]!.id}`;

    const pid = await pidOfServer(server.port);
    const bare = await startBareServer(plainPath);
    try {
      console.log("bare node:http…");
      await fetchAll(bare.url); // warm the page cache
      const bareRun = await fetchAll(bare.url);
      console.log("handoff plain…");
      let rss = sampler(pid);
      const plainRun = await fetchAll(`${base}/${plain.id}`);
      const plainRss = rss.stop();
      console.log("handoff encrypted…");
      rss = sampler(pid);
      const encRun = await fetchAll(`${base}/${encrypted.id}`);
      const encRss = rss.stop();
      results.bare_node_http = bareRun;
      results.handoff_plain = {
        ...plainRun,
        ratio_vs_bare: ratio(plainRun, bareRun),
        rss_mb: plainRss,
      };
      results.handoff_encrypted = {
        ...encRun,
        ratio_vs_bare: ratio(encRun, bareRun),
        rss_mb: encRss,
      };
      results.targets = {
        plain_ratio_at_least_0_8: ratio(plainRun, bareRun) >= 0.8,
        encrypted_ratio_at_least_0_6: ratio(encRun, bareRun) >= 0.6,
        rss_under_250_mb: Math.max(plainRss.max, encRss.max) < 250,
      };
    } finally {
      bare.stop();
    }

    console.log("stamping a 100-page PDF…");
    const pdf = await hundredPagePdf();
    const inProcess: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const r = await stampPdf(
        pdf,
        "Licensed to Ada Lovelace (ada@example.com) — order #1001",
        parseStampingOptions({ position: "diagonal" }),
      );
      if (!r.ok) throw new Error(r.message);
      inProcess.push(performance.now() - t0);
    }
    const pdfFile = await createStoredFile(db, shop, {
      dataDir: server.dataDir,
      name: "book.pdf",
      body: pdf,
    });
    const stampProduct = await createDigitalProduct(
      db,
      shop,
      { name: "Book", stampingEnabled: true },
      [pdfFile],
    );
    // Same PDF unstamped: what a download costs without stamping (DB transaction included).
    const plainPdfProduct = await createDigitalProduct(db, shop, { name: "Book (plain)" }, [
      pdfFile,
    ]);
    const { order: po, lines: pl } = await createOrder(db, shop, {
      customer,
      products: [plainPdfProduct],
    });
    const plainPdfUrl = `${server.url}/d/${po.accessToken}/${pl[0]!.id}/${pdfFile.id}`;
    const unstamped: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await (await fetch(plainPdfUrl)).arrayBuffer();
      unstamped.push(performance.now() - t0);
    }
    const firsts: number[] = [];
    const cached: number[] = [];
    const cachedHead: number[] = [];
    for (let round = 0; round < 3; round++) {
      const { order: o, lines: l } = await createOrder(db, shop, {
        customer,
        products: [stampProduct],
      });
      await db.update(orderLines).set({ stampingEnabled: true }).where(eq(orderLines.id, l[0]!.id));
      const url = `${server.url}/d/${o.accessToken}/${l[0]!.id}/${pdfFile.id}`;
      const t0 = performance.now();
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`stamp download ${res.status}`);
      firsts.push(performance.now() - t0);
      for (let i = 0; i < 5; i++) {
        const t1 = performance.now();
        await (await fetch(url)).arrayBuffer();
        cached.push(performance.now() - t1);
        const t2 = performance.now();
        await (await fetch(url, { method: "HEAD" })).arrayBuffer();
        cachedHead.push(performance.now() - t2);
      }
    }
    const cachedOverhead = percentile(cached, 50) - percentile(unstamped, 50);
    results.stamping_100_pages = {
      pdf_kb: Math.round(pdf.length / 1024),
      stamp_in_process_ms: inProcess.map((v) => Math.round(v)),
      first_download_ms: firsts.map((v) => Math.round(v)),
      cached_download_ms: { p50: percentile(cached, 50), max: percentile(cached, 100) },
      cached_head_ms: { p50: percentile(cachedHead, 50), max: percentile(cachedHead, 100) },
      unstamped_download_ms: { p50: percentile(unstamped, 50), max: percentile(unstamped, 100) },
      cached_stamp_overhead_ms_p50: Math.round(cachedOverhead * 10) / 10,
      targets: {
        first_under_1s: Math.max(...firsts) < 1000,
        cached_under_50ms: percentile(cached, 50) < 50,
        cached_overhead_under_50ms: cachedOverhead < 50,
      },
    };
    return results;
  } finally {
    await closeDb(db);
    await server.stop();
    await rm(TMP, { recursive: true, force: true });
  }
}

function ratio(a: { mbPerSecond: number }, b: { mbPerSecond: number }): number {
  return Math.round((a.mbPerSecond / b.mbPerSecond) * 100) / 100;
}

async function createEncryptedFileFromPath(
  db: ReturnType<typeof connectToServerDb>,
  shop: Awaited<ReturnType<typeof createShop>>,
  dataDir: string,
  path: string,
) {
  // Same as the test helper, but streaming from disk (the helper takes a Buffer).
  const { encryptionKeyFrom } = await import("~/lib/storage/encryption.server");
  const { createFileStorage, storedFileColumns } = await import("~/lib/storage/index.server");
  const { createLocalDriver } = await import("~/lib/storage/local-driver.server");
  const store = createFileStorage(createLocalDriver(join(dataDir, "files")), {
    key: async () => encryptionKeyFrom(Buffer.from(TEST_FILE_KEY, "base64")),
    encryptsByDefault: true,
  });
  const row = await createEncryptedFile(db, shop, {
    dataDir,
    name: "encrypted.bin",
    body: Buffer.from("x"),
  });
  const stored = await store.put(row.storageKey, createReadStream(path), { encrypt: true });
  const [updated] = await db
    .update(files)
    .set({ ...storedFileColumns(stored, store) })
    .where(eq(files.id, row.id))
    .returning();
  return updated!;
}
