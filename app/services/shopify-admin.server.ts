import type { RiskLevel } from "~/db/schema";
import { log } from "~/lib/request-context.server";
import { unauthenticated } from "~/shopify.server";

const ORDER_RISK_QUERY = `#graphql
  query OrderRisk($id: ID!) {
    order(id: $id) {
      risk {
        recommendation
        assessments { riskLevel }
      }
    }
  }`;

interface OrderRiskResponse {
  data?: {
    order?: {
      risk?: {
        recommendation?: string | null;
        assessments?: Array<{ riskLevel?: string | null }> | null;
      } | null;
    } | null;
  };
}

/**
 * Shopify's risk verdict for an order, via the Admin GraphQL API with the shop's offline
 * session. Null when Shopify has none or cannot be asked: holding an order needs a
 * positive HIGH, never a failed lookup (that would silently stall every delivery).
 */
export async function fetchOrderRiskLevel(
  shopDomain: string,
  orderGid: string,
): Promise<RiskLevel | null> {
  try {
    const { admin } = await unauthenticated.admin(shopDomain);
    const response = await admin.graphql(ORDER_RISK_QUERY, { variables: { id: orderGid } });
    const json = (await response.json()) as OrderRiskResponse;
    const risk = json.data?.order?.risk;
    if (!risk) return null;
    const levels = (risk.assessments ?? []).map((a) => a.riskLevel?.toUpperCase());
    if (risk.recommendation === "CANCEL" || levels.includes("HIGH")) return "HIGH";
    if (levels.includes("MEDIUM") || risk.recommendation === "INVESTIGATE") return "MEDIUM";
    return levels.length > 0 ? "LOW" : null;
  } catch (err) {
    log().warn({ err, shop: shopDomain, order: orderGid }, "order risk lookup failed; not holding");
    return null;
  }
}
