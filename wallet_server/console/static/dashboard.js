// Draws the dashboard's charts with the vendored Chart.js, from the figures the page carries
// in its JSON block (#dashboard-data). The tables under the charts hold the same figures: a
// chart is shown only once it is drawn, so a page without JavaScript loses nothing.
"use strict";
(() => {
  const source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  // Okabe–Ito: told apart by colour-blind readers too
  const palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"];
  const money = new Intl.NumberFormat(data.lang, { style: "currency", currency: "EUR" });
  const count = new Intl.NumberFormat(data.lang, { maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(data.lang, { style: "percent", maximumFractionDigits: 2 });
  const colon = data.lang.startsWith("fr") ? "\u00a0: " : ": ";

  // Figures arrive as integers (cents, basis points, people); only their display divides.
  const formats = {
    cents: (value) => money.format(value / 100),
    basis_points: (value) => percent.format(value / 10000),
    count: (value) => count.format(value),
  };

  function dataset(spec, index) {
    const colour = palette[index % palette.length];
    const line = spec.type === "line";
    return {
      type: spec.type,
      label: spec.label,
      data: spec.data,
      backgroundColor: colour,
      borderColor: colour,
      borderWidth: line ? 2 : 0,
      pointRadius: line ? 3 : 0,
      spanGaps: false,
      order: line ? 0 : 1, // lines in front of the bars
    };
  }

  function draw(canvas, spec) {
    const format = formats[spec.unit];
    return new window.Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels, datasets: spec.datasets.map(dataset) },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: Boolean(spec.stacked) },
          y: {
            stacked: Boolean(spec.stacked),
            beginAtZero: true,
            // whole people only: no tick at 1.5 participants
            ticks: { callback: (value) => format(value), precision: spec.unit === "count" ? 0 : undefined },
          },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: (item) => item.dataset.label + colon + (item.raw === null ? "—" : format(item.raw)),
            },
          },
        },
      },
    });
  }

  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const spec = data.charts[canvas.dataset.chart];
    if (!spec) {
      continue;
    }
    canvas.parentElement.hidden = false;
    draw(canvas, spec);
  }
})();
