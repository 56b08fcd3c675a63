/* After a failed post (issue 15): focus the error summary at the top of the page, and
   put the page's own address back in the address bar, so that a reload shows the page
   instead of sending the form again. Without JavaScript the summary is still first on
   the page, and the form's address answers a GET with the page (webui/opportunities.py). */
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (!summary) { return; }
  var address = summary.getAttribute("data-page-url");
  if (address && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", address);
  }
  summary.focus();
});
