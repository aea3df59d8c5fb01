// The ticket page: keyboard shortcuts, canned replies into the reply box, dialogs that close on success.
(() => {
  "use strict";
  const page = document.getElementById("ticket-page");
  if (!page) return;

  // Refused input answers 422 with the form and its errors: show it like any answer.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A transfer or merge went through: close its dialog.
  document.body.addEventListener("dialog-done", () => {
    document.querySelectorAll(".modal.show").forEach((dialog) => bootstrap.Modal.getOrCreateInstance(dialog).hide());
  });

  document.addEventListener("shown.bs.modal", (event) => {
    const first = event.target.querySelector(".modal-body input:not([type=hidden]), .modal-body select");
    if (first) first.focus();
  });

  // A canned reply arrives as plain text; insert it where the cursor is.
  function insertAtCursor(textarea, text) {
    const start = textarea.selectionStart ?? textarea.value.length;
    const end = textarea.selectionEnd ?? start;
    textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
    textarea.selectionStart = textarea.selectionEnd = start + text.length;
    textarea.focus();
  }

  document.body.addEventListener("htmx:afterRequest", (event) => {
    const select = event.detail.elt;
    if (!select.matches || !select.matches("[data-macro-select]")) return;
    const xhr = event.detail.xhr;
    const error = document.getElementById("macro-error");
    if (xhr.status === 200) {
      insertAtCursor(document.getElementById("composer-body"), xhr.responseText);
      error.hidden = true;
    } else {
      error.textContent = xhr.status === 422 ? xhr.responseText : select.dataset.failed;
      error.hidden = false;
    }
    select.value = "";
  });

  function compose(kind) {
    const radio = document.getElementById(kind === "note" ? "kind-note" : "kind-reply");
    const body = document.getElementById("composer-body");
    if (!radio || !body) return;
    radio.checked = true;
    body.scrollIntoView({ block: "center" });
    body.focus();
  }

  function openDialog(id) {
    const dialog = document.getElementById(id);
    if (dialog) bootstrap.Modal.getOrCreateInstance(dialog).show();
  }

  function openStatus() {
    const select = document.getElementById("prop-status");
    if (!select) return;
    select.focus();
    try { select.showPicker(); } catch (_) { /* focus is enough where pickers cannot be opened */ }
  }

  const typingIn = (element) => element.closest && element.closest("input, textarea, select, [contenteditable]");
  let waitingForG = null;

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      const form = (event.target.closest && event.target.closest("form[hx-post]")) || document.getElementById("composer-form");
      if (form) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || typingIn(event.target)) return;
    if (document.querySelector(".modal.show")) return;
    if (waitingForG) {
      clearTimeout(waitingForG);
      waitingForG = null;
      if (event.key === "q") {
        event.preventDefault();
        window.location.href = page.dataset.queueUrl;
        return;
      }
    }
    const actions = {
      r: () => compose("reply"),
      n: () => compose("note"),
      e: openStatus,
      t: () => openDialog("transfer-dialog"),
      m: () => openDialog("merge-dialog"),
      "?": () => openDialog("shortcuts-dialog"),
      g: () => { waitingForG = setTimeout(() => { waitingForG = null; }, 1500); },
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
})();
