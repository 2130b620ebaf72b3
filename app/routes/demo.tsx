import { redirect } from "@remix-run/node";
import { demoAdminUrl, requireDemoRequest } from "~/lib/demo.server";

// Entry to the localhost demo admin: a freshly signed session token, then the real /app.
export const loader = async () => {
  requireDemoRequest();
  return redirect(await demoAdminUrl());
};
