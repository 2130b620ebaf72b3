import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Card, EmptyState, Page } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";

/**
 * For admin detail pages: a 404 (unknown id, or another shop's) is a friendly page;
 * anything else goes to Shopify's boundary, which must see its own auth responses.
 */
export function AdminErrorBoundary({ what, backUrl }: { what: string; backUrl: string }) {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <Page title={`${what} not found`} backAction={{ content: "Back", url: backUrl }}>
        <Card>
          <EmptyState
            heading={`This ${what.toLowerCase()} doesn't exist`}
            action={{ content: "Back to the list", url: backUrl }}
            image="/empty-state-files.svg"
          >
            <p>It may have been deleted, or the link is wrong.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  return boundary.error(error);
}
