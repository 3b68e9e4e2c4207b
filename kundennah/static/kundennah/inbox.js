/* Service desk: inbox keyboard navigation and selection, the concern page's shortcuts and
   answer templates. Global shortcuts (/ ? e n l Esc) stay in app.js: on the concern page "n"
   and "e" reach the buttons marked data-shortcut="n" / "e" through it. */
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll(".inbox-row")); }
  function current() { return document.querySelector(".inbox-row.is-current"); }
  var currentId = null;

  function setCurrent(row) {
    rows().forEach(function (r) { r.classList.remove("is-current"); r.removeAttribute("aria-selected"); });
    if (!row) return;
    row.classList.add("is-current");
    row.setAttribute("aria-selected", "true");
    currentId = row.getAttribute("data-concern-id");
    row.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var index = all.indexOf(current());
    var next = index < 0 ? 0 : Math.max(0, Math.min(all.length - 1, index + step));
    setCurrent(all[next]);
  }
  function open(row, hash) {
    if (row) window.location.href = row.getAttribute("data-href") + (hash || "");
  }
  function updateCount() {
    var counter = document.getElementById("inbox-selected-count");
    if (counter) counter.textContent = document.querySelectorAll(".inbox-check:checked").length;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var inInbox = !!document.getElementById("inbox-list");
    if (inInbox) {
      switch (event.key) {
        case "j": event.preventDefault(); move(1); return;
        case "k": event.preventDefault(); move(-1); return;
        case "Enter": case "o":
          if (current()) { event.preventDefault(); open(current()); }
          return;
        case "x": {
          var row = current();
          var box = row && row.querySelector(".inbox-check");
          if (box) { event.preventDefault(); box.checked = !box.checked; updateCount(); }
          return;
        }
        case "r": if (current()) { event.preventDefault(); open(current(), "#reply"); } return;
        case "n": if (current()) { event.preventDefault(); event.stopImmediatePropagation(); open(current(), "#note"); } return;
      }
    }
    if (event.key === "r") {
      var reply = document.querySelector("#form-reply textarea");
      if (reply) { event.preventDefault(); reply.focus(); }
    }
  }, true);

  document.addEventListener("click", function (event) {
    var row = event.target.closest(".inbox-row");
    if (!row || event.target.closest("a, input, button, label")) return;
    setCurrent(row);
    if (event.detail === 2) open(row);
  });
  document.addEventListener("change", function (event) {
    if (event.target.id === "inbox-check-all") {
      document.querySelectorAll(".inbox-check").forEach(function (box) { box.checked = event.target.checked; });
    }
    if (event.target.matches(".inbox-check, #inbox-check-all")) updateCount();
  });

  // After a poll or bulk action the rows are new: keep the keyboard position on the same concern.
  document.addEventListener("htmx:afterSwap", function () {
    if (currentId) setCurrent(document.querySelector('.inbox-row[data-concern-id="' + currentId + '"]'));
    updateCount();
  });

  // Answer templates: insert the filled text at the cursor of the reply box.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-answer-url]");
    if (!select || !select.value) return;
    var url = select.getAttribute("data-answer-url").replace("/0/", "/" + encodeURIComponent(select.value) + "/");
    fetch(url, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : "";
    }).then(function (text) {
      var box = document.querySelector("#form-reply textarea[name=body]");
      if (!box || !text) return;
      var start = box.selectionStart || 0, end = box.selectionEnd || 0;
      box.value = box.value.slice(0, start) + text + box.value.slice(end);
      box.focus();
      box.selectionStart = box.selectionEnd = start + text.length;
      select.value = "";
    });
  });

  // The help overlay is the global one; this page adds its own shortcuts to it once.
  document.addEventListener("show.bs.modal", function (event) {
    var extra = document.getElementById("service-shortcuts");
    var list = event.target.querySelector(".shortcut-list");
    if (!extra || !list || list.querySelector("[data-service-shortcuts]")) return;
    var fragment = extra.content.cloneNode(true);
    var marker = document.createElement("span");
    marker.hidden = true;
    marker.setAttribute("data-service-shortcuts", "");
    list.appendChild(marker);
    list.appendChild(fragment);
  });

  // Opened with #reply or #note (from the inbox): go straight to that box.
  document.addEventListener("DOMContentLoaded", function () {
    var target = { "#reply": "#form-reply textarea", "#note": "#form-note textarea" }[window.location.hash];
    var box = target && document.querySelector(target);
    if (box) {
      var tab = document.querySelector('[data-bs-target="' + window.location.hash + '-pane"]');
      if (tab && window.bootstrap) bootstrap.Tab.getOrCreateInstance(tab).show();
      box.focus();
    }
    var first = rows()[0];
    if (first && !current()) setCurrent(first);
  });
})();

/* Concern page: a composer tab shown (also by the "n" shortcut) puts the cursor in its box. */
document.addEventListener("shown.bs.tab", function (event) {
  var pane = document.querySelector(event.target.getAttribute("data-bs-target"));
  var box = pane && pane.querySelector("textarea");
  if (box) box.focus();
});
