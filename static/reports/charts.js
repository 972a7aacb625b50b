// Charts of the monthly report, drawn from the JSON the page carries (no network needed).
(function () {
  "use strict";
  const source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const trend = document.getElementById("trend-chart");
  if (trend) {
    const [low, high] = data.trend.band;
    new Chart(trend, {
      type: "bar",
      data: {
        labels: data.trend.labels,
        datasets: [
          { label: "Held", data: data.trend.held, backgroundColor: "#0d6efd", stack: "s" },
          { label: "Agency", data: data.trend.agency, backgroundColor: "#fd7e14", stack: "s" },
          { type: "line", label: `Band low (${low})`, data: data.trend.labels.map(() => low),
            borderColor: "#198754", borderDash: [6, 4], pointRadius: 0, fill: false, stack: "low" },
          { type: "line", label: `Band high (${high})`, data: data.trend.labels.map(() => high),
            borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0, fill: false, stack: "high" },
        ],
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
  }
  const cancel = document.getElementById("cancel-chart");
  if (cancel && data.cancellations.labels.length) {
    new Chart(cancel, {
      type: "doughnut",
      data: { labels: data.cancellations.labels, datasets: [{ data: data.cancellations.counts }] },
    });
  }
})();
