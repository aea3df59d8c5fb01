// The rule editor: remove a condition or action row; ask before deleting the rule.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-remove-row]");
    if (button) button.closest("[data-row]").remove();
  });

  document.addEventListener("submit", function (event) {
    const question = event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
