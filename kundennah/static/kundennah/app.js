/* Kundennah agent UI: htmx settings, keyboard shortcuts, search suggestions. No framework. */
(function () {
  "use strict";

  // Forms with errors come back as 422 and conflicts as 409: swap them in like any answer.
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      htmx.config.responseHandling = [
        { code: "204", swap: false },
        { code: "[23]..", swap: true },
        { code: "422", swap: true, error: false },
        { code: "409", swap: true, error: false },
        { code: "[45]..", swap: false, error: true },
      ];
    }
  });

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function click(selector) {
    var el = document.querySelector(selector);
    if (el) { el.click(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      if ((event.ctrlKey || event.metaKey) && event.key === "k") {
        event.preventDefault();
        var box = document.getElementById("global-search");
        if (box) box.focus();
      }
      return;
    }
    if (event.key === "Escape") {
      var cancel = document.querySelector(".editing [data-cancel], #interaction-form [data-cancel-clear]");
      if (cancel) { cancel.click(); }
      hideSuggestions();
      return;
    }
    if (typing(event.target)) return;
    switch (event.key) {
      case "/": {
        var search = document.getElementById("global-search");
        if (search) { event.preventDefault(); search.focus(); search.select(); }
        break;
      }
      case "?": {
        var modal = document.getElementById("shortcuts");
        if (modal && window.bootstrap) { bootstrap.Modal.getOrCreateInstance(modal).show(); }
        break;
      }
      case "l": if (click('[data-shortcut="l"]')) event.preventDefault(); break;
      case "e": if (click('[data-shortcut="e"]')) event.preventDefault(); break;
      case "n": if (click('[data-shortcut="n"]')) event.preventDefault(); break;
    }
  });

  // Cancel buttons of forms that sit outside their section.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-cancel-clear]");
    if (!button) return;
    var container = document.querySelector(button.getAttribute("data-cancel-clear"));
    if (container) container.innerHTML = "";
  });

  // Focus the first field of a form that htmx just put on the page.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "search-suggestions") {
      var box = document.getElementById("global-search");
      if (box) box.setAttribute("aria-expanded", target.children.length ? "true" : "false");
      target.classList.toggle("show", target.children.length > 0);
      return;
    }
    var scope = document.querySelector(".editing form, #interaction-form form");
    var invalid = scope && scope.querySelector(".is-invalid");
    var first = invalid || (scope && scope.querySelector("input:not([type=hidden]), select, textarea"));
    if (first && scope.contains(first)) first.focus();
    toggleKindFields();
  });

  // Search suggestions: arrows move, Enter opens, Escape closes.
  function suggestions() { return Array.prototype.slice.call(document.querySelectorAll("#search-suggestions a")); }
  function hideSuggestions() {
    var list = document.getElementById("search-suggestions");
    if (list) { list.classList.remove("show"); }
  }
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("global-search");
    if (!box || (event.target !== box && !event.target.closest("#search-suggestions"))) return;
    var items = suggestions();
    if (!items.length) return;
    var index = items.indexOf(document.activeElement);
    if (event.key === "ArrowDown") { event.preventDefault(); items[Math.min(index + 1, items.length - 1)].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); if (index <= 0) box.focus(); else items[index - 1].focus(); }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".global-search")) hideSuggestions();
  });

  // The contact point form shows the fields of the chosen kind only.
  function toggleKindFields() {
    document.querySelectorAll(".contact-point-form").forEach(function (form) {
      var select = form.querySelector("select[name=kind]");
      var hidden = form.querySelector("input[name=kind]");
      var kind = select ? select.value : (hidden ? hidden.value : "email");
      form.querySelectorAll(".kind-fields").forEach(function (group) {
        group.hidden = !group.classList.contains("kind-" + kind);
      });
      form.querySelectorAll(".kind-only").forEach(function (el) {
        el.hidden = !el.classList.contains("kind-" + kind);
      });
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches(".contact-point-form select[name=kind]")) toggleKindFields();
  });
  document.addEventListener("DOMContentLoaded", toggleKindFields);
})();
