// Forms marked data-send-once disable their buttons when sent, so a double click sends one request.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("[data-send-once]")) return;
  if (form.dataset.sending) {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "1";
  form.querySelectorAll("button[type=submit]").forEach((button) => button.classList.add("disabled"));
});

// Coming back with the browser's Back button shows the page as it was left: make it usable again.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-sending]").forEach((form) => {
    delete form.dataset.sending;
    form.querySelectorAll("button[type=submit]").forEach((button) => button.classList.remove("disabled"));
  });
});
