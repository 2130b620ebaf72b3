/**
 * Server-rendered HTML of the OpenAPI document: every operation with its parameters,
 * body, responses and examples, plus a small "Try it" form (inline script, same origin)
 * that calls the API with a token typed into the page. Nothing is loaded from elsewhere.
 */

type Json = Record<string, unknown>;

const esc = (value: unknown) =>
  String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

const code = (text: string) => esc(text).replace(/`([^`]+)`/g, "<code>$1</code>");

function schemaSummary(schema: Json | undefined): string {
  if (!schema) return "";
  if (typeof schema.$ref === "string") return esc(schema.$ref.split("/").pop());
  if (Array.isArray(schema.enum))
    return schema.enum.map((v) => `<code>${esc(v)}</code>`).join(" | ");
  if (schema.type === "array") return `array of ${schemaSummary(schema.items as Json)}`;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Json[]).map(schemaSummary).join(" or ");
  const bounds = [
    schema.minimum !== undefined ? `≥ ${schema.minimum}` : "",
    schema.maximum !== undefined ? `≤ ${schema.maximum}` : "",
    schema.maxLength !== undefined ? `max ${schema.maxLength} chars` : "",
    schema.maxItems !== undefined ? `max ${schema.maxItems} items` : "",
  ].filter(Boolean);
  return `${esc(schema.type ?? "any")}${bounds.length ? ` (${bounds.join(", ")})` : ""}`;
}

export function renderApiReference(doc: Json): string {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const base = ((doc.servers as Json[])[0]?.url as string) ?? "/public-api/v1";
  const ops: Array<{ path: string; method: string; op: Json }> = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) ops.push({ path, method, op });
  }
  const tags = [...new Set(ops.map((o) => (o.op.tags as string[])[0]!))];
  const nav = tags
    .map(
      (tag) =>
        `<li><strong>${esc(tag)}</strong><ul>${ops
          .filter((o) => (o.op.tags as string[])[0] === tag)
          .map((o) => `<li><a href="#${esc(o.op.operationId)}">${esc(o.op.summary)}</a></li>`)
          .join("")}</ul></li>`,
    )
    .join("");

  const sections = ops
    .map(({ path, method, op }) => {
      const params = (op.parameters as Json[]) ?? [];
      const body = (op.requestBody as Json | undefined)?.content as
        Record<string, Json> | undefined;
      const jsonBody = body?.["application/json"];
      const responses = op.responses as Record<string, Json>;
      const paramRows = params
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}${p.required ? " · required" : ""}</td><td>${schemaSummary(p.schema as Json)}</td><td>${code(String(p.description ?? ""))}</td></tr>`,
        )
        .join("");
      const bodyProps = jsonBody
        ? Object.entries(((jsonBody.schema as Json).properties as Record<string, Json>) ?? {})
            .map(
              ([name, s]) =>
                `<tr><td><code>${esc(name)}</code></td><td>body${(((jsonBody.schema as Json).required as string[]) ?? []).includes(name) ? " · required" : ""}</td><td>${schemaSummary(s)}</td><td>${code(String(s.description ?? ""))}</td></tr>`,
            )
            .join("")
        : body?.["multipart/form-data"]
          ? `<tr><td><code>file</code></td><td>multipart · required</td><td>binary</td><td>The file.</td></tr>`
          : "";
      const responseList = Object.entries(responses)
        .map(([status, r]) => `<li><code>${esc(status)}</code> ${code(String(r.description))}</li>`)
        .join("");
      const success = Object.entries(responses).find(([s]) => s.startsWith("2"));
      const example = (success?.[1].content as Record<string, Json> | undefined)?.[
        "application/json"
      ]?.example;
      const pathParams = params.filter((p) => p.in === "path").map((p) => String(p.name));
      const queryParams = params.filter((p) => p.in === "query").map((p) => String(p.name));
      return `<section id="${esc(op.operationId)}">
  <h2><span class="m m-${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(base + path)}</code></h2>
  <h3>${esc(op.summary)}</h3>
  ${op.description ? `<p>${code(String(op.description))}</p>` : ""}
  ${paramRows || bodyProps ? `<table><thead><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr></thead><tbody>${paramRows}${bodyProps}</tbody></table>` : ""}
  ${jsonBody?.example !== undefined ? `<p>Example body</p><pre>${esc(JSON.stringify(jsonBody.example, null, 2))}</pre>` : ""}
  <p>Responses</p><ul>${responseList}</ul>
  ${example !== undefined ? `<details><summary>Example response</summary><pre>${esc(JSON.stringify(example, null, 2))}</pre></details>` : ""}
  ${
    body?.["multipart/form-data"]
      ? ""
      : `<details class="try"><summary>Try it</summary><form data-method="${esc(method.toUpperCase())}" data-path="${esc(base + path)}">
    ${pathParams.map((n) => `<label>${esc(n)} <input name="path:${esc(n)}" required></label>`).join("")}
    ${queryParams.map((n) => `<label>${esc(n)} <input name="query:${esc(n)}"></label>`).join("")}
    ${jsonBody ? `<label>body<textarea name="body" rows="5">${esc(JSON.stringify(jsonBody.example ?? {}, null, 2))}</textarea></label>` : ""}
    <button type="submit">Send</button><pre class="out"></pre></form></details>`
  }
</section>`;
    })
    .join("\n");

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc((doc.info as Json).title)} — reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex;color:#1a1a1a}
nav{width:270px;padding:16px;border-right:1px solid #ddd;height:100vh;overflow:auto;position:sticky;top:0;box-sizing:border-box;font-size:14px}
nav ul{list-style:none;padding-left:10px}main{flex:1;padding:16px 32px;max-width:980px}
section{border-bottom:1px solid #eee;padding:12px 0}h2{font-size:17px}h3{font-size:15px;margin:4px 0}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f6f6f7;padding:10px;overflow:auto}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{border:1px solid #e3e3e3;padding:4px 6px;text-align:left;vertical-align:top}
.m{display:inline-block;padding:1px 6px;border-radius:4px;color:#fff;font-size:13px}.m-get{background:#2c6ecb}.m-post{background:#008060}.m-put{background:#b98900}.m-delete{background:#d72c0d}
label{display:block;margin:4px 0}input,textarea{width:100%;box-sizing:border-box;font-family:ui-monospace,monospace}
</style></head><body>
<nav><p><strong>${esc((doc.info as Json).title)}</strong></p>
<label>API token <input id="token" type="password" autocomplete="off" placeholder="hnd_live_…"></label>
<p><a href="${esc(base)}/openapi.json">openapi.json</a> · <a href="/docs/quickstart">quickstart</a> · <a href="/docs/errors">errors</a> · <a href="/docs/api">conventions</a></p>
<ul>${nav}</ul></nav>
<main><h1>${esc((doc.info as Json).title)}</h1><p>${code(String((doc.info as Json).description))}</p>
<p>Base URL: <code>${esc(base)}</code>. Every response carries <code>X-Request-Id</code>; errors are <code>{"error": {"type", "code", "message", "param"?, "request_id"}}</code>.</p>
${sections}</main>
<script>
document.querySelectorAll("form[data-method]").forEach(function (form) {
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var out = form.querySelector(".out");
    var path = form.dataset.path;
    var query = new URLSearchParams();
    var body;
    new FormData(form).forEach(function (value, name) {
      if (name.indexOf("path:") === 0) path = path.replace("{" + name.slice(5) + "}", encodeURIComponent(value));
      else if (name.indexOf("query:") === 0 && value) query.append(name.slice(6), value);
      else if (name === "body") body = value;
    });
    var headers = { Authorization: "Bearer " + document.getElementById("token").value };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    out.textContent = "…";
    try {
      var res = await fetch(path + (query.toString() ? "?" + query : ""), { method: form.dataset.method, headers: headers, body: body });
      var text = await res.text();
      try { text = JSON.stringify(JSON.parse(text), null, 2); } catch (e) {}
      out.textContent = res.status + " " + res.statusText + "\\n" + text;
    } catch (e) { out.textContent = String(e); }
  });
});
</script></body></html>`;
}
