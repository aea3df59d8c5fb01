// The routing page: refused input answers 422 with the team's panel and its errors; show it like any answer.
(() => {
  "use strict";
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
