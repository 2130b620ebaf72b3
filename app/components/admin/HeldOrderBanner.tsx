import { useFetcher } from "@remix-run/react";
import { Banner } from "@shopify/polaris";
import { useState } from "react";
import type { ActionResult } from "~/lib/admin-actions";
import { ConfirmModal } from "./ConfirmModal";
import { useFetcherSettled } from "./fetcher-settled";
import { useActionToast } from "./toast";

/** A high-risk order waits for the merchant; approving delivers it (which can't be undone). */
export function HeldOrderBanner({ reason }: { reason: string | null }) {
  const fetcher = useFetcher<ActionResult>();
  const [confirming, setConfirming] = useState(false);
  useActionToast(fetcher.data);
  useFetcherSettled(fetcher, () => setConfirming(false));
  return (
    <>
      <Banner
        tone="warning"
        title="Delivery is on hold"
        action={{ content: "Approve and deliver", onAction: () => setConfirming(true) }}
      >
        <p>
          {reason ?? "Shopify rated this order high risk."} Review it in Shopify before approving.
        </p>
      </Banner>
      <ConfirmModal
        open={confirming}
        title="Approve and deliver this order?"
        confirmLabel="Approve and deliver"
        destructive={false}
        loading={fetcher.state !== "idle"}
        onClose={() => setConfirming(false)}
        onConfirm={() => fetcher.submit({ intent: "approve" }, { method: "post" })}
      >
        The customer receives their files and keys right away. Delivery can&apos;t be taken back.
      </ConfirmModal>
    </>
  );
}
