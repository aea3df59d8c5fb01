// The reports dashboard's charts: one Chart.js bar chart per figure, the care standard as a dashed
// line, bars short of it in red; a click on a bar opens the tickets behind it. Drawn again after htmx
// swaps in new figures.
(function () {
  "use strict";
  const charts = [];

  function draw(root) {
    const source = (root || document).querySelector("#report-charts");
    if (!source || !window.Chart) return;
    while (charts.length) charts.pop().destroy();
    const data = JSON.parse(source.textContent);
    for (const spec of data) {
      const canvas = document.querySelector(`canvas[data-chart="${spec.metric}"]`);
      if (!canvas) continue;
      const colours = spec.short.map((short) => (short ? "rgba(220, 53, 69, 0.85)" : "rgba(13, 110, 253, 0.7)"));
      const datasets = [{ type: "bar", label: spec.label, data: spec.values, backgroundColor: colours }];
      if (spec.goal !== null) {
        datasets.push({
          type: "line", label: canvas.dataset.goalLabel || "Standard", data: spec.labels.map(() => spec.goal),
          borderColor: "rgba(25, 135, 84, 0.9)", borderDash: [6, 4], borderWidth: 2, pointRadius: 0, fill: false,
        });
      }
      const chart = new window.Chart(canvas, {
        data: { labels: spec.labels, datasets },
        options: {
          animation: false, maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true } },
          onClick: (_event, elements) => {
            const hit = elements.find((element) => element.datasetIndex === 0);
            if (hit) window.location.href = spec.drill[hit.index];
          },
          onHover: (event, elements) => {
            event.native.target.style.cursor = elements.length ? "pointer" : "default";
          },
        },
      });
      canvas.chart = chart;
      charts.push(chart);
    }
  }

  document.addEventListener("DOMContentLoaded", () => draw());
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.target && event.detail.target.id === "report-body") draw(event.detail.target);
  });
})();
