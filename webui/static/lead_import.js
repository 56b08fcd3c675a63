/* A running lead import's page follows it: polls the import's status (JSON, same
   origin, the session cookie) and moves the progress bar; once the import is no
   longer running, reloads the page to show its result. Without JavaScript the page
   refreshes itself (a <noscript> meta refresh) and has a Reload link. A file, not
   inline: the Content-Security-Policy allows scripts from this site only. */
(function () {
  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("progress-bar");
  var text = document.getElementById("progress-text");

  function show(status) {
    bar.value = status.percent;
    bar.textContent = status.percent + " %";
    if (status.total_rows) {
      text.textContent = status.processed_rows + " of " + status.total_rows + " rows";
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.running) { window.setTimeout(poll, 700); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  poll();
})();
