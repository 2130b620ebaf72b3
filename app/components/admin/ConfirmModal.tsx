import { Modal, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

/** Polaris confirmation for destructive or irreversible actions. */
export function ConfirmModal({
  open,
  title,
  children,
  confirmLabel,
  destructive = true,
  loading = false,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  destructive?: boolean;
  loading?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Modal
      open={open}
      title={title}
      onClose={onClose}
      primaryAction={{ content: confirmLabel, destructive, loading, onAction: onConfirm }}
      secondaryActions={[{ content: "Cancel", onAction: onClose, disabled: loading }]}
    >
      <Modal.Section>
        {typeof children === "string" ? <Text as="p">{children}</Text> : children}
      </Modal.Section>
    </Modal>
  );
}
