/* Copy buttons: a button with data-copy="ID" copies the value of the input #ID and
   says so for two seconds. A file of its own, not inline: the Content-Security-Policy
   allows scripts from this site only (webui/headers.py). Without the Clipboard API
   (a page not served over HTTPS or localhost) the input's text is selected instead,
   for Ctrl+C. */
(function () {
  function said(button, text) {
    var before = button.textContent;
    button.textContent = text;
    setTimeout(function () { button.textContent = before; }, 2000);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (!button) { return; }
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) { return; }
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { said(button, "Copied"); },
                                                      function () { said(button, "Press Ctrl+C"); });
    } else {
      said(button, "Press Ctrl+C");
    }
  });
})();
