// The inbox's keyboard shortcuts (as in Camunda Tasklist and mail clients): j / k move
// to the next / previous task, Enter opens it, c claims it, x ticks it for the bulk
// actions, / goes to the search field, ? shows the list of shortcuts. None of them
// fires while the focus is in a field (typing a "j" into the search is a "j").
(function () {
  "use strict";
  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#inbox-tasks tr.task")); }
  function current() { return document.querySelector("#inbox-tasks tr.task.current"); }
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var at = all.indexOf(current());
    var next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(at + step, 0), all.length - 1);
    if (at >= 0) all[at].classList.remove("current");
    all[next].classList.add("current");
    all[next].setAttribute("aria-current", "true");
    if (at >= 0 && at !== next) all[at].removeAttribute("aria-current");
    all[next].scrollIntoView({block: "nearest"});
  }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var row = current();
    var handled = true;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "Enter":
        if (!row || (event.target && event.target.closest && event.target.closest("a, button"))) { handled = false; break; }
        var link = row.querySelector("a.task-link");
        if (link) window.location.href = link.href; else handled = false;
        break;
      case "c":
        var claim = row && row.querySelector("button.claim");
        if (claim) claim.click(); else handled = false;
        break;
      case "x":
        var box = row && row.querySelector("td.pick input[type=checkbox]");
        if (box) box.checked = !box.checked; else handled = false;
        break;
      case "/":
        var search = document.getElementById("inbox-search");
        if (search) { search.focus(); search.select(); } else handled = false;
        break;
      case "?":
        var list = document.getElementById("shortcuts");
        if (list) { list.open = !list.open; if (list.open) list.scrollIntoView({block: "nearest"}); } else handled = false;
        break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });
})();
