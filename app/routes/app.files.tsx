import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Page } from "@shopify/polaris";
import { requireAdminShop } from "~/lib/admin.server";
import { actionSuccess, parseForm, runServiceAction } from "~/lib/admin-actions.server";
import { fileActionSchema, parseFilesQuery } from "~/lib/admin-schemas.server";
import { ApiError } from "~/lib/api/errors";
import { deleteFile, listFiles } from "~/services/files.server";
import { cancelPublicJob, listIngestActivity } from "~/services/jobs.server";
import { listPendingUploads } from "~/services/uploads.server";
import { CursorPagination } from "~/components/admin/CursorPagination";
import { FilesTable, type FileView } from "~/components/admin/FilesTable";
import { FileUploader, type PendingUploadView } from "~/components/admin/FileUploader";
import { IngestImportsCard, type ImportView } from "~/components/admin/IngestImportsCard";

const PAGE_SIZE = 25;

export const meta = () => [{ title: "Files · Handoff" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const query = parseFilesQuery(new URL(request.url).searchParams);
  const imports: ImportView[] = (await listIngestActivity(shop.id)).map(({ job, name, host }) => ({
    id: job.id,
    name,
    host,
    status: job.status,
    receivedBytes: Number(job.progressBytes),
    totalBytes: job.totalBytes === null ? null : Number(job.totalBytes),
    stopping: job.status === "running" && job.cancelRequestedAt !== null,
    error: job.error,
  }));
  const pending: PendingUploadView[] = (await listPendingUploads(shop.id)).map((u) => ({
    id: u.id,
    name: u.name,
    size: u.size,
    receivedBytes: u.bytesReceived,
    createdAt: u.createdAt.toISOString(),
  }));
  try {
    const page = await listFiles(
      shop.id,
      { limit: PAGE_SIZE, cursor: query.cursor, sort: query.sort },
      { q: query.q, uploaded: true, includeProducts: true },
    );
    const files: FileView[] = page.data.map((f) => ({
      id: f.id,
      name: f.name,
      type: f.contentType,
      size: f.size,
      createdAt: f.createdAt.toISOString(),
      products: (f.products ?? []).map((p) => p.name),
    }));
    return {
      files,
      imports,
      pending,
      nextCursor: page.pagination.next_cursor,
      filtered: Boolean(query.q),
      error: null,
    };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return {
      files: [] as FileView[],
      imports,
      pending,
      nextCursor: null,
      filtered: Boolean(query.q),
      error: error.message,
    };
  }
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const formData = await request.formData();
  const parsed = parseForm(String(formData.get("intent") ?? ""), fileActionSchema, formData);
  if (!parsed.ok) return parsed.response;
  const input = parsed.data;
  return runServiceAction(input.intent, async () => {
    if (input.intent === "cancel-import") {
      const { job } = await cancelPublicJob(shop.id, input.jobId);
      return actionSuccess(
        input.intent,
        job.status === "cancelled" ? "Import stopped" : "Stopping the import",
      );
    }
    await deleteFile(shop.id, input.fileId);
    return actionSuccess(input.intent, "File deleted");
  });
};

export default function Files() {
  const { files, imports, pending, nextCursor, filtered, error } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const location = useLocation();
  const loading =
    navigation.state === "loading" && navigation.location.pathname === location.pathname;
  return (
    <Page title="Files" backAction={{ content: "Home", url: "/app" }}>
      <BlockStack gap="400">
        <FileUploader pending={pending} />
        <IngestImportsCard imports={imports} />
        {error ? (
          <Banner tone="warning" title="This page of results is no longer available">
            <p>{error} Start again from the first page.</p>
          </Banner>
        ) : null}
        <FilesTable files={files} filtered={filtered} loading={loading} />
        <CursorPagination nextCursor={nextCursor} label="Files" />
      </BlockStack>
    </Page>
  );
}
