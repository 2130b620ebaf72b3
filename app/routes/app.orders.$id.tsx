import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { useCallback, useState } from "react";
import { requireAdminShop } from "~/lib/admin.server";
import {
  actionFailure,
  actionSuccess,
  parseForm,
  runServiceAction,
} from "~/lib/admin-actions.server";
import { ApiError } from "~/lib/api/errors";
import { orderActionSchema } from "~/lib/admin-schemas.server";
import { listOrderEmails } from "~/services/emails.server";
import {
  approveOrder,
  extendOrderExpiry,
  getOrder,
  grantExtraDownloads,
  listOrderLineFiles,
  resendOrderEmail,
  resetLineDownloads,
  setLineFiles,
  setOrderAccess,
} from "~/services/orders.server";
import { AdminErrorBoundary } from "~/components/admin/AdminErrorBoundary";
import { ExtendExpiryCard } from "~/components/admin/ExtendExpiryCard";
import { GrantDownloadsCard } from "~/components/admin/GrantDownloadsCard";
import { HeldOrderBanner } from "~/components/admin/HeldOrderBanner";
import { OrderAccessCard } from "~/components/admin/OrderAccessCard";
import { OrderEmailsCard, type OrderEmailView } from "~/components/admin/OrderEmailsCard";
import { OrderLineCard, waitsForFiles, type OrderLineView } from "~/components/admin/OrderLineCard";
import { OrderLineFilesModal } from "~/components/admin/OrderLineFilesModal";
import { WaitingForFilesBanner } from "~/components/admin/WaitingForFilesBanner";
import type { OrderLineChoice } from "~/components/admin/OrderLineTargetSelect";
import { OrderSummaryCard } from "~/components/admin/OrderSummaryCard";
import { ResendEmailForm } from "~/components/admin/ResendEmailForm";

const RECENT_DOWNLOADS = 10;

async function loadOrder(shopId: string, orderId: string) {
  try {
    return await getOrder(shopId, orderId, ["downloads"]);
  } catch (error) {
    if (error instanceof ApiError && error.code === "not_found") {
      throw new Response("Order not found", { status: 404 });
    }
    throw error;
  }
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const order = await loadOrder(shop.id, params.id ?? "");
  const [lineFiles, emails] = await Promise.all([
    listOrderLineFiles(shop.id, order.id),
    listOrderEmails(shop.id, order.id),
  ]);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const lines: OrderLineView[] = order.lines.map((line) => ({
    id: line.id,
    title: line.title,
    variantTitle: line.variantTitle,
    productName: line.digitalProductName,
    deliveringType: line.deliveringType,
    quantity: line.quantity,
    files: lineFiles[line.id] ?? [],
    licenseKeys: line.licenseKeyValues,
    keyStatus: line.keyStatus,
    downloadCount: line.downloadCount,
    downloadsAllowed: line.maxDownloads ? line.maxDownloads + line.extraDownloads : null,
    expiresAt: iso(line.expiresAt),
    accessStatus: line.accessStatus,
    deliveredAt: iso(line.deliveredAt),
    scheduledAt: iso(line.scheduledAt),
    recentDownloads: (line.downloads ?? [])
      .slice(-RECENT_DOWNLOADS)
      .reverse()
      .map((d) => ({
        id: d.id,
        createdAt: d.createdAt.toISOString(),
        fileName: d.fileName,
        isRedownload: d.isRedownload,
        bytesSent: Number(d.bytesSent),
      })),
  }));
  const emailViews: OrderEmailView[] = emails.map((e) => ({
    id: e.id,
    kind: e.kind,
    toAddress: e.toAddress,
    status: e.status,
    attempts: e.attempts,
    lastError: e.lastError,
    createdAt: e.createdAt.toISOString(),
    sentAt: iso(e.sentAt),
  }));
  return {
    order: {
      id: order.id,
      name: order.name,
      dlAccess: order.dlAccess,
      deliveryStatus: order.deliveryStatus,
      heldReason: order.heldReason,
      summary: {
        customerName:
          [order.customer?.firstName, order.customer?.lastName].filter(Boolean).join(" ") || null,
        email: order.email ?? order.customer?.email ?? null,
        financialStatus: order.financialStatus,
        deliveryStatus: order.deliveryStatus,
        totalPriceCents: Number(order.totalPriceCents),
        currency: order.currency,
        createdAt: order.createdAt.toISOString(),
        deliveredAt: iso(order.deliveredAt),
        locale: order.locale,
      },
    },
    lines,
    emails: emailViews,
    lineChoices: order.lines.map((line): OrderLineChoice => ({
      id: line.id,
      label: [line.digitalProductName ?? line.title, line.variantTitle].filter(Boolean).join(" — "),
      limited: Boolean(line.maxDownloads),
      expires: Boolean(line.expiresAt),
    })),
    today: new Date().toISOString().slice(0, 10),
  };
};

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.order.name ?? "Order"} · Orders · Handoff` },
];

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireAdminShop(request);
  const orderId = params.id ?? "";
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const parsed = parseForm(intent, orderActionSchema, formData);
  if (!parsed.ok) return parsed.response;
  const input = parsed.data;

  return runServiceAction(
    input.intent,
    async () => {
      switch (input.intent) {
        case "set-access":
          await setOrderAccess(shop.id, orderId, input.access);
          return actionSuccess(
            input.intent,
            input.access === "enabled" ? "Access enabled" : "Access disabled",
          );
        case "reset-downloads":
          await resetLineDownloads(shop.id, orderId, input.lineId);
          return actionSuccess(input.intent, "Downloads reset");
        case "resend-email": {
          const message = await resendOrderEmail(shop.id, orderId, {
            customerEmail: input.email || undefined,
          });
          return actionSuccess(input.intent, `Email queued to ${message.toAddress}`);
        }
        case "approve":
          if (!(await approveOrder(shop.id, orderId))) {
            return actionFailure(input.intent, "This order is not on hold any more.", {}, 409);
          }
          return actionSuccess(input.intent, "Order approved and delivered");
        case "set-line-files": {
          const fileIds = input["fileIds[]"];
          const updated = await setLineFiles(shop.id, orderId, input.lineId, fileIds, {
            sendEmail: input.sendEmail,
          });
          const line = updated.lines.find((l) => l.id === input.lineId);
          const n = fileIds.length;
          if (n === 0) return actionSuccess(input.intent, "Files removed from the line");
          const attached = `${n} file${n === 1 ? "" : "s"} attached`;
          // A held (or cancelled) order keeps its lines undelivered until approved.
          return actionSuccess(
            input.intent,
            line?.deliveredAt ? `${attached}: the customer can download them` : attached,
          );
        }
        case "grant-downloads":
          await grantExtraDownloads(shop.id, orderId, {
            downloads: input.downloads,
            lineId: input.lineId,
          });
          return actionSuccess(
            input.intent,
            `${input.downloads} extra download${input.downloads === 1 ? "" : "s"} granted`,
          );
        case "extend-expiry":
          await extendOrderExpiry(
            shop.id,
            orderId,
            input.mode === "days"
              ? { days: input.days, lineId: input.lineId }
              : { expiresAt: input.date, lineId: input.lineId },
          );
          return actionSuccess(input.intent, "Expiry extended");
      }
    },
    {
      customer_email: "email",
      line_id: "lineId",
      lineId: "lineId",
      downloads: "downloads",
      days: "days",
      expires_at: "date",
    },
  );
};

export default function OrderDetail() {
  const { order, lines, emails, lineChoices, today } = useLoaderData<typeof loader>();
  const [filesLineId, setFilesLineId] = useState<string | null>(null);
  const closeFiles = useCallback(() => setFilesLineId(null), []);
  const titleOf = (line: OrderLineView) => line.productName ?? line.title;
  const waiting = lines.filter((l) => waitsForFiles(l) && !l.deliveredAt);
  const filesLine = lines.find((l) => l.id === filesLineId);
  return (
    <Page
      title={order.name}
      backAction={{ content: "Orders", url: "/app/orders" }}
      subtitle={order.summary.customerName ?? order.summary.email ?? undefined}
    >
      <Layout>
        {order.deliveryStatus === "held" ? (
          <Layout.Section>
            <HeldOrderBanner reason={order.heldReason} />
          </Layout.Section>
        ) : null}
        {waiting.length ? (
          <Layout.Section>
            <WaitingForFilesBanner
              lines={waiting.map((l) => ({ id: l.id, title: titleOf(l) }))}
              onAttach={setFilesLineId}
            />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            {lines.map((line) => (
              <OrderLineCard
                key={line.id}
                line={line}
                onEditFiles={() => setFilesLineId(line.id)}
              />
            ))}
            <OrderEmailsCard emails={emails} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <OrderSummaryCard order={order.summary} />
            <OrderAccessCard orderName={order.name} access={order.dlAccess} />
            <GrantDownloadsCard orderName={order.name} lines={lineChoices} />
            <ExtendExpiryCard orderName={order.name} lines={lineChoices} today={today} />
            <ResendEmailForm currentEmail={order.summary.email} />
          </BlockStack>
        </Layout.Section>
      </Layout>
      <OrderLineFilesModal
        line={
          filesLine
            ? {
                id: filesLine.id,
                title: titleOf(filesLine),
                files: filesLine.files,
                delivered: Boolean(filesLine.deliveredAt),
                held: order.deliveryStatus === "held",
              }
            : null
        }
        onClose={closeFiles}
      />
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminErrorBoundary what="Order" backUrl="/app/orders" />;
}
