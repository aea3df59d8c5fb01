// The queue page: keyboard shortcuts, select-all and the selection count, filter dropdowns, tidy URLs.
// Everything here is a convenience; the page works without it.
(function () {
  "use strict";

  // Keys are ignored while a person types; ticking a checkbox is not typing.
  const TYPING = "input:not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable]";
  let current = -1;

  function rows() {
    return Array.from(document.querySelectorAll("#queue-table tbody tr[data-href]"));
  }

  function highlight(index) {
    const list = rows();
    if (!list.length) return;
    current = Math.max(0, Math.min(index, list.length - 1));
    list.forEach(function (row, i) {
      row.classList.toggle("table-active", i === current);
      if (i === current) row.setAttribute("aria-current", "true");
      else row.removeAttribute("aria-current");
    });
    list[current].scrollIntoView({ block: "nearest" });
  }

  function currentRow() {
    return rows()[current] || null;
  }

  function updateSelection() {
    const boxes = document.querySelectorAll(".row-check");
    const ticked = document.querySelectorAll(".row-check:checked").length;
    const count = document.getElementById("selected-count");
    if (count) count.textContent = ticked;
    document.querySelectorAll("[data-needs-selection]").forEach(function (button) {
      button.disabled = ticked === 0;
    });
    const all = document.getElementById("select-all");
    if (all) {
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
  }

  function updateFilterCount(details) {
    const count = details.querySelector("[data-filter-count]");
    if (!count) return;
    const ticked = details.querySelectorAll("input:checked").length;
    count.textContent = ticked;
    count.classList.toggle("d-none", ticked === 0);
    const summary = details.querySelector("summary");
    summary.classList.toggle("btn-outline-primary", ticked > 0);
    summary.classList.toggle("btn-outline-secondary", ticked === 0);
  }

  function toggleHelp() {
    const help = document.getElementById("shortcuts-help");
    if (help && window.bootstrap) window.bootstrap.Modal.getOrCreateInstance(help).toggle();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("details.dropdown[open]").forEach(function (details) {
        details.removeAttribute("open");
      });
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest(TYPING)) return;
    if (event.key === "?") {
      toggleHelp();
    } else if (document.querySelector(".modal.show")) {
      return;
    } else if (event.key === "j") {
      highlight(current + 1);
    } else if (event.key === "k") {
      highlight(current < 0 ? 0 : current - 1);
    } else if (event.key === "x") {
      const box = currentRow() && currentRow().querySelector(".row-check");
      if (!box) return;
      box.checked = !box.checked;
      updateSelection();
    } else if (event.key === "o" || event.key === "Enter") {
      // Enter on a link or button keeps its own meaning.
      if (event.key === "Enter" && event.target.closest("a, button, summary")) return;
      if (!currentRow()) return;
      window.location.assign(currentRow().dataset.href);
    } else if (event.key === "/") {
      const search = document.querySelector('[data-shortcut="/"]') || document.getElementById("id_q");
      if (!search) return;
      search.focus();
      search.select();
    } else {
      return;
    }
    event.preventDefault();
  });

  document.addEventListener("change", function (event) {
    if (event.target.id === "select-all") {
      document.querySelectorAll(".row-check").forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    if (event.target.matches("#select-all, .row-check")) updateSelection();
    const details = event.target.closest(".filter-dropdown");
    if (details) updateFilterCount(details);
  });

  // A click on a row (not on its link or checkbox) makes it the current row for j/k/x/o.
  document.addEventListener("click", function (event) {
    const row = event.target.closest("#queue-table tbody tr[data-href]");
    if (row && !event.target.closest("a, input")) highlight(rows().indexOf(row));
    // Filter dropdowns are <details>: close the open ones when clicking elsewhere.
    document.querySelectorAll("details.dropdown[open]").forEach(function (details) {
      if (!details.contains(event.target)) details.removeAttribute("open");
    });
  });

  document.addEventListener("submit", function (event) {
    const question = event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // Shareable URLs: leave empty filters out of the query string the filter form pushes.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.id !== "filter-form") return;
    const params = event.detail.parameters;
    Array.from(new Set(params.keys())).forEach(function (key) {
      if (params.getAll(key).every(function (value) { return value === ""; })) params.delete(key);
    });
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id !== "queue-results") return;
    current = -1;
    updateSelection();
  });

  updateSelection();
})();
