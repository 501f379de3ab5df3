// The dashboard's charts (Apache ECharts, served locally); the same numbers are in the
// tables beside each chart, which screen readers and printing use.
(function () {
  "use strict";
  function draw() {
    var node = document.getElementById("dashboard-data");
    if (!node || !window.echarts) { return; }
    var data = JSON.parse(node.textContent);
    var bar = function (labels, series) {
      return { tooltip: { trigger: "axis" }, legend: {}, grid: { left: 48, right: 16, bottom: 48 },
               xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: 30 } },
               yAxis: { type: "value" }, series: series };
    };
    var options = {
      trend: bar(data.trend.labels, [{ name: "数值", type: "line", data: data.trend.values }]),
      units: bar(data.units.labels, [{ name: "数值", type: "bar", data: data.units.values }]),
      sectors: bar(data.sectors.labels, [
        { name: "用人单位", type: "bar", data: data.sectors.employers },
        { name: "完成自查", type: "bar", data: data.sectors.filed }])
    };
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      window.echarts.init(el).setOption(options[el.getAttribute("data-chart")]);
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
}());
