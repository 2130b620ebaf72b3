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
import { ConfirmModal } from "./ConfirmModal";
import {
  OrderLineTargetSelect,
  targetLines,
  type LineTarget,
  type OrderLineChoice,
} from "./OrderLineTargetSelect";
import { formatDate } from "./format";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

import { MAX_EXPIRY_EXTENSION_DAYS as MAX_EXTENSION_DAYS } from "~/lib/order-limits";

type Mode = "days" | "date";

/** The message to show under the field, or undefined when the value is usable. */
export function expiryError(mode: Mode, value: string, today: string): string | undefined {
  const text = value.trim();
  if (mode === "days") {
    if (!/^\d+$/.test(text) || Number(text) < 1) {
      return `Enter a whole number of days from 1 to ${MAX_EXTENSION_DAYS}.`;
    }
    if (Number(text) > MAX_EXTENSION_DAYS) {
      return `Extend by at most ${MAX_EXTENSION_DAYS} days at a time.`;
    }
    return undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return "Choose a date.";
  // The line expires at the end of that UTC day: today is the earliest useful choice.
  if (text < today) return "Choose today or a later date.";
  return undefined;
}

/**
 * "Extend expiry": N more days for every line that expires (from now when already
 * expired), or one date for every line — or either for one line chosen. Confirmed;
 * lines that never expire are left alone by "days", and the date mode says that it
 * gives them an expiry.
 */
export function ExtendExpiryCard({
  orderName,
  lines,
  today,
}: {
  orderName: string;
  lines: OrderLineChoice[];
  /** `YYYY-MM-DD` (UTC) from the server, so server and browser agree. */
  today: string;
}) {
  const fetcher = useFetcher<ActionResult>();
  const [target, setTarget] = useState<LineTarget>("");
  // "Add days" only changes lines that have an expiry.
  const canAddDays = (t: LineTarget) => targetLines(lines, t).some((l) => l.expires);
  const [mode, setMode] = useState<Mode>(canAddDays("") ? "days" : "date");
  const [days, setDays] = useState("");
  const [date, setDate] = useState("");
  const [touched, setTouched] = useState(false);
  const [confirming, setConfirming] = useState(false);
  useActionToast(fetcher.data);
  useFetcherSettled(fetcher, (data) => {
    setConfirming(false);
    if (data.ok) {
      setDays("");
      setDate("");
      setTouched(false);
    }
  });

  const chooseTarget = (next: LineTarget) => {
    setTarget(next);
    if (!canAddDays(next)) setMode("date");
  };
  const chosen = target ? targetLines(lines, target)[0] : undefined;
  const value = mode === "days" ? days : date;
  const result = fetcher.data;
  const serverErrors =
    result && !result.ok && result.intent === "extend-expiry" ? result.fieldErrors : {};
  const clientError = touched ? expiryError(mode, value, today) : undefined;

  const review = () => {
    setTouched(true);
    if (!expiryError(mode, value, today)) setConfirming(true);
  };
  const moreDays = `${days.trim()} more day${days.trim() === "1" ? "" : "s"}`;
  const day = date ? formatDate(`${date}T00:00:00.000Z`) : "";
  const summary = chosen
    ? mode === "days"
      ? `${chosen.label} in ${orderName} gets ${moreDays}, counted from today if it already expired.`
      : `${chosen.label} in ${orderName} expires at the end of ${day} (UTC)${chosen.expires ? "" : "; until now it never expired"}.`
    : mode === "days"
      ? `Every line of ${orderName} that expires gets ${moreDays}, counted from today if it already expired. Lines that never expire stay so.`
      : `Every line of ${orderName} expires at the end of ${day} (UTC), including lines that never expired until now.`;

  return (
    <Card>
      <Form onSubmit={review} noValidate>
        <FormLayout>
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Extend expiry
            </Text>
            <Text as="p" tone="subdued">
              {canAddDays("")
                ? "Give the customer more time to download."
                : "No line of this order expires; you can still set a date."}
            </Text>
          </BlockStack>
          <OrderLineTargetSelect
            label="Extend for"
            lines={lines}
            value={target}
            onChange={chooseTarget}
            allLabel="Every line"
            error={serverErrors.lineId}
          />
          <ChoiceList
            title="How"
            choices={[
              { label: "Add days", value: "days", disabled: !canAddDays(target) },
              { label: "Set a date", value: "date" },
            ]}
            selected={[mode]}
            onChange={(values) => {
              setMode(values[0] === "date" ? "date" : "days");
              setTouched(false);
            }}
          />
          {mode === "days" ? (
            <TextField
              label="Days to add"
              type="number"
              name="days"
              min={1}
              max={MAX_EXTENSION_DAYS}
              value={days}
              onChange={setDays}
              onBlur={() => setTouched(days !== "")}
              autoComplete="off"
              error={clientError ?? serverErrors.days}
              helpText={
                target
                  ? "From the line's current expiry, or from today if it already expired."
                  : "From each line's current expiry, or from today if it already expired."
              }
            />
          ) : (
            <TextField
              label="New expiry date"
              type="date"
              name="date"
              min={today}
              value={date}
              onChange={setDate}
              onBlur={() => setTouched(date !== "")}
              autoComplete="off"
              error={clientError ?? serverErrors.date ?? serverErrors.expires_at}
              helpText={
                target
                  ? "The line expires at the end of this day (UTC)."
                  : "Lines expire at the end of this day (UTC)."
              }
            />
          )}
          <Button submit loading={fetcher.state !== "idle"}>
            Extend expiry
          </Button>
        </FormLayout>
      </Form>
      <ConfirmModal
        open={confirming}
        title="Change the download expiry?"
        confirmLabel="Extend expiry"
        destructive={false}
        loading={fetcher.state !== "idle"}
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          fetcher.submit(
            mode === "days"
              ? { intent: "extend-expiry", mode, days: days.trim(), lineId: target }
              : { intent: "extend-expiry", mode, date: date.trim(), lineId: target },
            { method: "post" },
          )
        }
      >
        {summary}
      </ConfirmModal>
    </Card>
  );
}
