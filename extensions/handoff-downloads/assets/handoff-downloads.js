/* Handoff order downloads block: fills [data-handoff-downloads] from the app proxy. */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function safeUrl(value) {
    if (typeof value !== "string" || !value) return null;
    try {
      var url = new URL(value, window.location.href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch {
      return null;
    }
  }

  function formatDate(iso) {
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
        dateStyle: "medium",
      }).format(new Date(iso));
    } catch {
      return iso.slice(0, 10);
    }
  }

  function message(body, text, modifier) {
    body.textContent = "";
    body.appendChild(el("p", "handoff-downloads__status" + (modifier || ""), text));
  }

  function copyButton(key, s) {
    var button = el("button", "handoff-downloads__copy", s.copy);
    button.type = "button";
    button.addEventListener("click", function () {
      var done = function () {
        button.textContent = s.copied;
        setTimeout(function () {
          button.textContent = s.copy;
        }, 2000);
      };
      if (navigator.clipboard) navigator.clipboard.writeText(key).then(done, function () {});
    });
    return button;
  }

  function renderLine(line, s) {
    var item = el("li", "handoff-downloads__line");
    item.setAttribute("data-state", line.state);
    var title = line.variant_title ? line.title + " – " + line.variant_title : line.title;
    item.appendChild(el("h3", "handoff-downloads__title", title));

    if (line.state !== "available") {
      var note = s["state_" + line.state] || "";
      if (line.state === "scheduled" && line.scheduled_at)
        note += " " + formatDate(line.scheduled_at);
      item.appendChild(el("p", "handoff-downloads__note", note));
    }

    if (line.files.length) {
      var files = el("ul", "handoff-downloads__files");
      line.files.forEach(function (file) {
        var url = safeUrl(file.url);
        if (!url) return;
        var row = el("li", "handoff-downloads__file");
        var link = el("a", "handoff-downloads__button", file.name);
        link.href = url;
        link.setAttribute("download", "");
        link.setAttribute("aria-label", s.download + ": " + file.name);
        row.appendChild(link);
        row.appendChild(el("span", "handoff-downloads__meta", file.size_label));
        files.appendChild(row);
      });
      item.appendChild(files);
      var allowed = line.downloads.allowed;
      var left =
        allowed == null
          ? s.unlimited
          : String(s.downloads_left)
              .replace("%LEFT%", String(Math.max(0, allowed - line.downloads.used)))
              .replace("%TOTAL%", String(allowed));
      if (line.expires_at) left += " · " + s.available_until + " " + formatDate(line.expires_at);
      item.appendChild(el("p", "handoff-downloads__meta", left));
    }

    line.links.forEach(function (entry) {
      var url = safeUrl(entry.url);
      if (!url) return;
      var link = el("a", "handoff-downloads__link", entry.title);
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      var p = el("p");
      p.appendChild(link);
      item.appendChild(p);
    });

    line.license_keys.forEach(function (key) {
      var row = el("p", "handoff-downloads__key");
      row.appendChild(el("span", "handoff-downloads__meta", s.license_key));
      row.appendChild(el("code", null, key));
      row.appendChild(copyButton(key, s));
      item.appendChild(row);
    });
    return item;
  }

  function init(root) {
    if (root.getAttribute("data-handoff-ready")) return;
    root.setAttribute("data-handoff-ready", "1");
    var body = root.querySelector("[data-handoff-body]");
    var s = {};
    try {
      s = JSON.parse(root.querySelector("[data-handoff-strings]").textContent);
    } catch {
      s = {};
    }
    var done = function () {
      body.setAttribute("aria-busy", "false");
    };
    fetch(root.getAttribute("data-endpoint"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (res) {
        if (res.status === 401) return message(body, s.login);
        if (res.status === 404) return message(body, s.empty);
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.json().then(function (data) {
          var pageUrl = safeUrl(data.order && data.order.download_page_url);
          var pageLink = root.querySelector("[data-handoff-page-link]");
          if (pageUrl && pageLink) pageLink.href = pageUrl;
          if (!data.lines || !data.lines.length) return message(body, s.empty);
          var list = el("ul", "handoff-downloads__lines");
          data.lines.forEach(function (line) {
            list.appendChild(renderLine(line, s));
          });
          body.textContent = "";
          body.appendChild(list);
        });
      })
      .catch(function () {
        message(body, s.error, " handoff-downloads__status--error");
      })
      .then(done, done);
  }

  function initAll() {
    document.querySelectorAll("[data-handoff-downloads]").forEach(init);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
  // The theme editor re-renders sections without reloading the page.
  document.addEventListener("shopify:section:load", initAll);
})();
