import { BlockStack, Box, Card, IndexTable, Text } from "@shopify/polaris";
import { formatDateTime, humanize } from "./format";
import { StatusBadge } from "./StatusBadge";

export interface OrderEmailView {
  id: string;
  kind: string;
  toAddress: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

const KIND_LABEL: Record<string, string> = {
  delivery: "Delivery",
  resend: "Resent delivery",
  merchant_notice: "Notice",
  test: "Test",
};

export function OrderEmailsCard({ emails }: { emails: OrderEmailView[] }) {
  return (
    <Card padding="0">
      <BlockStack gap="0">
        <Box padding="400">
          <Text as="h2" variant="headingMd">
            Emails
          </Text>
        </Box>
        <IndexTable
          resourceName={{ singular: "email", plural: "emails" }}
          itemCount={emails.length}
          selectable={false}
          emptyState={
            <Box padding="400">
              <Text as="p" tone="subdued">
                No emails yet. The delivery email is queued when the order is delivered.
              </Text>
            </Box>
          }
          headings={[
            { title: "Email" },
            { title: "To" },
            { title: "Status" },
            { title: "Queued" },
            { title: "Sent" },
          ]}
        >
          {emails.map((email, index) => (
            <IndexTable.Row id={email.id} key={email.id} position={index}>
              <IndexTable.Cell>{KIND_LABEL[email.kind] ?? humanize(email.kind)}</IndexTable.Cell>
              <IndexTable.Cell>{email.toAddress}</IndexTable.Cell>
              <IndexTable.Cell>
                <StatusBadge status={email.status} />
                {email.lastError && email.status !== "sent" ? (
                  <Text as="p" tone="critical" variant="bodySm">
                    {email.lastError} (attempt {email.attempts})
                  </Text>
                ) : null}
              </IndexTable.Cell>
              <IndexTable.Cell>{formatDateTime(email.createdAt)}</IndexTable.Cell>
              <IndexTable.Cell>{formatDateTime(email.sentAt)}</IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      </BlockStack>
    </Card>
  );
}
