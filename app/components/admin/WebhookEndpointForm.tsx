import { useFetcher } from "@remix-run/react";
import {
  BlockStack,
  Button,
  Card,
  ChoiceList,
  Form,
  FormLayout,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { ActionErrorBanner } from "./ActionErrorBanner";
import { SecretOnceBanner } from "./SecretOnceBanner";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

const EVENT_HELP: Record<string, string> = {
  "digital_order.purchased": "A customer bought a digital product",
  "digital_order.delivered": "The delivery email was sent",
  "file.downloaded": "A file was downloaded for the first time",
  "file.redownloaded": "A file was downloaded again",
};

type CreateResult = ActionResult<{ secret: string; name: string }>;

/**
 * "Add endpoint" (name, HTTPS URL, events; the signing secret is shown once afterwards),
 * or with `endpoint` "Edit endpoint" for an existing one (the URL goes through the same
 * SSRF check on the server; a refused one is shown under the field).
 */
export function WebhookEndpointForm({
  eventTypes,
  endpoint,
}: {
  eventTypes: readonly string[];
  endpoint?: { name: string; url: string; events: string[] };
}) {
  const editing = endpoint !== undefined;
  const fetcher = useFetcher<CreateResult>();
  const [name, setName] = useState(endpoint?.name ?? "");
  const [url, setUrl] = useState(endpoint?.url ?? "");
  const [events, setEvents] = useState<string[]>(endpoint?.events ?? []);
  const [dismissed, setDismissed] = useState<unknown>(null);
  useActionToast(fetcher.data);
  const result = fetcher.data;
  const errors = result && !result.ok ? result.fieldErrors : {};
  useFetcherSettled(fetcher, (data) => {
    if (data.ok && !editing) {
      setName("");
      setUrl("");
      setEvents([]);
    }
  });
  const created = result?.ok && result.result && dismissed !== result ? result.result : null;

  const submit = () => {
    const form = new FormData();
    form.set("intent", editing ? "update" : "create");
    form.set("name", name);
    form.set("url", url);
    for (const e of events) form.append("events[]", e);
    fetcher.submit(form, { method: "post" });
  };

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          {editing ? "Edit endpoint" : "Add endpoint"}
        </Text>
        {created ? (
          <SecretOnceBanner
            title={`Endpoint "${created.name}" created`}
            label="Signing secret"
            secret={created.secret}
            onDismiss={() => setDismissed(result)}
          />
        ) : null}
        <ActionErrorBanner result={result} />
        <Form noValidate onSubmit={submit}>
          <FormLayout>
            <FormLayout.Group>
              <TextField
                label="Name"
                helpText={
                  editing ? "Describes the endpoint in this list and in emails." : undefined
                }
                value={name}
                onChange={setName}
                autoComplete="off"
                placeholder="CRM"
                error={errors.name}
              />
              <TextField
                label="URL"
                type="url"
                value={url}
                onChange={setUrl}
                autoComplete="off"
                placeholder="https://example.com/webhooks/handoff"
                helpText="HTTPS, reachable from the internet."
                error={errors.url}
              />
            </FormLayout.Group>
            <ChoiceList
              title="Events"
              allowMultiple
              choices={eventTypes.map((type) => ({
                label: type,
                value: type,
                helpText: EVENT_HELP[type],
              }))}
              selected={events}
              onChange={setEvents}
              error={errors.events}
            />
            <Button submit variant="primary" loading={fetcher.state !== "idle"}>
              {editing ? "Save changes" : "Add endpoint"}
            </Button>
          </FormLayout>
        </Form>
      </BlockStack>
    </Card>
  );
}
