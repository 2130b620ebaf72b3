import { Select } from "@shopify/polaris";

/** One line of the order, as the support cards offer it ("grant to …"). */
export interface OrderLineChoice {
  id: string;
  /** Product name (or line title), with the variant when there is one. */
  label: string;
  /** The line has a download limit (grants change it). */
  limited: boolean;
  /** The line has an expiry date ("add days" changes it). */
  expires: boolean;
}

/** "" = every line; otherwise a line id. */
export type LineTarget = string;

/** The lines `target` names: all of them, or the one chosen. */
export function targetLines(lines: OrderLineChoice[], target: LineTarget): OrderLineChoice[] {
  return target ? lines.filter((l) => l.id === target) : lines;
}

/**
 * Which lines an action applies to: every line, or one. Hidden for a one-line order, where both mean the
 * same. A line the action cannot change is listed but disabled, saying why.
 */
export function OrderLineTargetSelect({
  label,
  lines,
  value,
  onChange,
  allLabel,
  unavailable,
  error,
  disabled,
}: {
  /** Distinct per card: two "Apply to" fields on one page read the same to a screen reader. */
  label: string;
  lines: OrderLineChoice[];
  value: LineTarget;
  onChange: (value: LineTarget) => void;
  allLabel: string;
  /** Why a line cannot be chosen, or undefined when it can. */
  unavailable?: (line: OrderLineChoice) => string | undefined;
  error?: string;
  disabled?: boolean;
}) {
  if (lines.length < 2) return null;
  return (
    <Select
      label={label}
      name="lineId"
      options={[
        { label: allLabel, value: "" },
        ...lines.map((line) => {
          const why = unavailable?.(line);
          return {
            label: why ? `${line.label} (${why})` : line.label,
            value: line.id,
            disabled: Boolean(why),
          };
        }),
      ]}
      value={value}
      onChange={onChange}
      error={error}
      disabled={disabled}
    />
  );
}
