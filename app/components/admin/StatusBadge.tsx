import { Badge } from "@shopify/polaris";
import { humanize } from "./format";

type Tone = "success" | "critical" | "warning" | "attention" | "info" | undefined;

const TONES: Record<string, Tone> = {
  // orders: delivery
  delivered: "success",
  held: "critical",
  awaiting_files: "attention",
  awaiting_keys: "attention",
  scheduled: "info",
  cancelled: undefined,
  // orders: financial
  PAID: "success",
  PARTIALLY_REFUNDED: "warning",
  REFUNDED: undefined,
  VOIDED: undefined,
  // emails
  sent: "success",
  queued: "info",
  sending: "info",
  failed: "critical",
  // webhook deliveries
  succeeded: "success",
  dead: "critical",
  // access / keys
  enabled: "success",
  disabled: "critical",
  revoked: "critical",
  available: "success",
  assigned: "info",
  // API access
  active: "success",
  suspended: "critical",
};

/** One badge style for every status word the admin shows. */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <Badge tone={TONES[status]}>{label ?? humanize(status)}</Badge>;
}
