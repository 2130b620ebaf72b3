import { useFetcher } from "@remix-run/react";
import { BlockStack, Button, Card, Form, FormLayout, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** "Resend email", optionally to a new address (which also becomes the order's address). */
export function ResendEmailForm({ currentEmail }: { currentEmail: string | null }) {
  const fetcher = useFetcher<ActionResult>();
  const [email, setEmail] = useState("");
  const [touched, setTouched] = useState(false);
  useActionToast(fetcher.data);

  const result = fetcher.data;
  const serverError = result && !result.ok ? result.fieldErrors.email : undefined;
  const clientError =
    touched && email.trim() && !EMAIL.test(email.trim())
      ? "Enter a valid email address."
      : undefined;
  const noAddress = !currentEmail && !email.trim();

  useFetcherSettled(fetcher, (data) => {
    if (data.ok) {
      setEmail("");
      setTouched(false);
    }
  });

  const submit = () => {
    setTouched(true);
    if (email.trim() && !EMAIL.test(email.trim())) return;
    fetcher.submit({ intent: "resend-email", email: email.trim() }, { method: "post" });
  };

  return (
    <Card>
      <Form onSubmit={submit} noValidate>
        <FormLayout>
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Resend delivery email
            </Text>
            <Text as="p" tone="subdued">
              {currentEmail
                ? `Currently sent to ${currentEmail}.`
                : "This order has no email address."}
            </Text>
          </BlockStack>
          <TextField
            label="Send to a new address (optional)"
            type="email"
            name="email"
            value={email}
            onChange={setEmail}
            onBlur={() => setTouched(true)}
            autoComplete="off"
            placeholder={currentEmail ?? "customer@example.com"}
            helpText="The order and the customer are updated to this address."
            error={
              clientError ??
              serverError ??
              (result && !result.ok && noAddress ? result.message : undefined)
            }
          />
          <Button submit loading={fetcher.state !== "idle"} disabled={noAddress}>
            Resend email
          </Button>
        </FormLayout>
      </Form>
    </Card>
  );
}
