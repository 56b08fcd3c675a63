// A filter bar that folds on a phone (the inbox's): its <details class="filter-fold">
// comes open, so that without this script every filter shows. Loaded right after the
// fold, not deferred: it closes the fold on a narrow screen before the first paint (no
// jump), unless the fold says data-keep-open (a field error to show); on a wider screen
// it keeps it open, since the summary that would open it is hidden there.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 40rem)");
  function fit() {
    Array.prototype.forEach.call(document.querySelectorAll("details.filter-fold"), function (fold) {
      fold.open = !narrow.matches || fold.hasAttribute("data-keep-open");
    });
  }
  fit();
  narrow.addEventListener("change", fit);
})();
