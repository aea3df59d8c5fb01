// <time datetime="..." data-relative> shows "5 minutes ago" in the reader's language, kept current.
// The server writes the absolute time (formatting "ago" for every row on the server cost a fifth of the
// queue page); without JavaScript that absolute time stays, which reads just as well.
(function () {
  "use strict";

  const UNITS = [
    ["year", 365 * 24 * 3600],
    ["month", 30 * 24 * 3600],
    ["week", 7 * 24 * 3600],
    ["day", 24 * 3600],
    ["hour", 3600],
    ["minute", 60],
  ];
  const format = new Intl.RelativeTimeFormat(document.documentElement.lang || undefined, { numeric: "auto" });

  function describe(date) {
    const seconds = (date.getTime() - Date.now()) / 1000;
    for (const [unit, size] of UNITS) {
      if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
    }
    return format.format(0, "second"); // "now"
  }

  function refresh(root) {
    (root || document).querySelectorAll("time[data-relative]").forEach(function (element) {
      const date = new Date(element.getAttribute("datetime"));
      if (isNaN(date)) return;
      if (!element.title) element.title = element.textContent.trim();
      element.textContent = describe(date);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { refresh(); });
  document.addEventListener("htmx:afterSwap", function (event) { refresh(event.target); });
  setInterval(refresh, 60 * 1000);
})();
