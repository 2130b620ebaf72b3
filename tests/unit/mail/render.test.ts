import { describe, expect, it } from "vitest";
import { fillTemplate, renderDeliveryEmail } from "~/lib/mail/render.server";
import { pickLocale } from "~/lib/mail/strings";

const base = {
  locale: "en",
  shop: { name: "Paper & Pixels", brandColor: "#123456", logoUrl: null, templates: {} },
  customerName: "Jane",
  orderName: "#1001",
  downloadUrl: "https://app.example.com/d/abc",
  licenseKeys: [{ product: "Pro Plugin", key: "PLUG-1234" }],
  links: [{ title: "Watch", url: "https://videos.example.com/x" }],
};

describe("delivery email rendering", () => {
  it("renders HTML and text with the download link, keys and links", () => {
    const email = renderDeliveryEmail(base);
    expect(email.subject).toBe("Your downloads from Paper & Pixels (#1001)");
    expect(email.html).toContain('href="https://app.example.com/d/abc"');
    expect(email.html).toContain("Paper &amp; Pixels");
    expect(email.html).toContain("background:#123456");
    expect(email.text).toContain("Go to your downloads: https://app.example.com/d/abc");
    expect(email.text).toContain("- Pro Plugin: PLUG-1234");
    expect(email.text).toContain("- Watch: https://videos.example.com/x");
  });

  it("escapes what merchants and shoppers typed, and refuses unsafe colours", () => {
    const email = renderDeliveryEmail({
      ...base,
      shop: {
        ...base.shop,
        name: '<script>alert("x")</script>',
        brandColor: "red;background:url(javascript:x)",
      },
      customerName: "<img src=x onerror=alert(1)>",
    });
    expect(email.html).not.toContain("<script>");
    expect(email.html).not.toContain("<img src=x");
    expect(email.html).not.toContain("javascript:");
    expect(email.html).toContain("background:#1a5f4a");
  });

  it("keeps header injection out of the subject", () => {
    const email = renderDeliveryEmail({
      ...base,
      shop: {
        ...base.shop,
        templates: { en: { subject: "Hi\r\nBcc: evil@example.com {{order_name}}" } },
      },
    });
    expect(email.subject).toBe("Hi Bcc: evil@example.com #1001");
  });

  it("picks the order's language and applies merchant overrides per locale", () => {
    expect(renderDeliveryEmail({ ...base, locale: "de-AT" }).subject).toBe(
      "Deine Downloads von Paper & Pixels (#1001)",
    );
    expect(renderDeliveryEmail({ ...base, locale: "fr" }).html).toContain('lang="fr"');
    expect(renderDeliveryEmail({ ...base, locale: "es" }).text).toContain("Hola Jane:");
    const custom = renderDeliveryEmail({
      ...base,
      locale: "de",
      shop: {
        ...base.shop,
        templates: {
          de: { subject: "Bestellung {{order_name}} ist da", body: "Danke, {{customer_name}}!" },
        },
      },
    });
    expect(custom.subject).toBe("Bestellung #1001 ist da");
    expect(custom.text).toContain("Danke, Jane!");
  });

  it("falls back to English for unsupported locales and leaves unknown variables visible", () => {
    expect(pickLocale("ja-JP")).toBe("en");
    expect(pickLocale(null)).toBe("en");
    expect(fillTemplate("{{order_name}} {{oops}}", { order_name: "#1" })).toBe("#1 {{oops}}");
  });
});
