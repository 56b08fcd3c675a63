// Draws the analysis charts: each <div data-chart="ID"> gets the Vega-Lite
// specification in <script type="application/json" id="ID">, rendered as SVG by
// vega-embed (served from /static/vendor/, see webui/vendor.py). ast: true makes
// Vega evaluate its expressions with its interpreter instead of new Function(), so
// the Content-Security-Policy needs no 'unsafe-eval'; defaultStyle and the
// tooltip's default style are off because the policy refuses inline <style>
// (webui/static/charts.css styles both). Without the libraries the charts stay
// empty and the note above them says why; the tables hold the same numbers.
(function () {
  "use strict";
  function draw() {
    var charts = document.querySelectorAll("[data-chart]");
    if (!charts.length) { return; }
    if (typeof window.vegaEmbed !== "function") {
      document.documentElement.classList.add("charts-unavailable");
      return;
    }
    charts.forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      window.vegaEmbed(element, spec, {
        ast: true,
        actions: false,
        renderer: "svg",
        defaultStyle: false,
        tooltip: { disableDefaultStyle: true }
      }).then(function () {
        element.classList.add("chart-drawn");
      }).catch(function (error) {
        element.classList.add("chart-failed");
        element.textContent = "The chart could not be drawn (" + error.message + "); the table below has its numbers.";
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
