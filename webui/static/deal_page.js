/* The deal page (issue 15), on top of a page that works without it:
   - the sections listed in #deal-tabs become tabs (WAI-ARIA tabs: roles, aria-selected,
     arrow keys, Home and End); a link to anything inside a panel (#lose-form, the error
     summary's links, an address's #anchor) opens that panel first;
   - the header's actions fold into their menu on a phone;
   - the process diagram is drawn by bpmn-js's NavigatedViewer (zoom and pan) from
     the deployed file, the open and done nodes marked; the server's drawing stays
     when the viewer is missing or cannot read the file. */
(function () {
  "use strict";

  function setUpTabs() {
    var nav = document.getElementById("deal-tabs");
    if (!nav) { return null; }
    var list = nav.querySelector("ul");
    var tabs = Array.prototype.slice.call(nav.querySelectorAll("a[href^='#panel-']"));
    var panels = tabs.map(function (tab) { return document.getElementById(tab.getAttribute("href").slice(1)); });
    list.setAttribute("role", "tablist");
    nav.classList.add("tabs-ready");
    tabs.forEach(function (tab, i) {
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panels[i].id);
      tab.parentNode.setAttribute("role", "presentation");
      panels[i].setAttribute("role", "tabpanel");
      panels[i].setAttribute("tabindex", "0");
      panels[i].classList.add("is-tab");
    });

    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        var on = i === index;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.setAttribute("tabindex", on ? "0" : "-1");
        tab.classList.toggle("active", on);
        panels[i].hidden = !on;
      });
      if (focus) { tabs[index].focus(); }
      reveal(tabs[index]);
      document.dispatchEvent(new CustomEvent("deal-tab-shown", { detail: panels[index].id }));
    }

    // On a phone the tabs are one row that scrolls sideways (deal_page.css): keep the
    // chosen one in view, centred, as nav.js does for the main menu.
    function reveal(tab) {
      var left = tab.offsetLeft - list.offsetLeft;
      if (list.scrollWidth <= list.clientWidth
          || (left >= list.scrollLeft && left + tab.offsetWidth <= list.scrollLeft + list.clientWidth)) { return; }
      list.scrollLeft = left - (list.clientWidth - tab.offsetWidth) / 2;
    }

    function panelOf(element) {
      for (var i = 0; i < panels.length; i += 1) {
        if (panels[i] === element || panels[i].contains(element)) { return i; }
      }
      return -1;
    }

    // Opens the panel holding the element #id (and scrolls to it); true when there is one.
    function reveal(id, scroll) {
      var target = id && document.getElementById(id);
      var index = target ? panelOf(target) : -1;
      if (index < 0) { return false; }
      select(index, false);
      if (scroll && target !== panels[index]) { target.scrollIntoView({ block: "start" }); }
      return true;
    }

    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function (event) {
        event.preventDefault();
        select(i, false);
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", "#" + panels[i].id);
        }
      });
      tab.addEventListener("keydown", function (event) {
        var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) { return; }
        event.preventDefault();
        select((next + tabs.length) % tabs.length, true);
      });
    });

    // Links inside the page to something in a panel (the header's actions, the error summary).
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
      if (!link || nav.contains(link)) { return; }
      if (reveal(link.getAttribute("href").slice(1), true)) { event.preventDefault(); }
    });
    window.addEventListener("hashchange", function () { reveal(window.location.hash.slice(1), true); });

    // The first panel to show: the one a failed post's summary points at, the address's
    // #anchor, else the overview.
    var summary = document.querySelector("#error-summary a[href^='#']");
    if (!(summary && reveal(summary.getAttribute("href").slice(1), false)) &&
        !reveal(window.location.hash.slice(1), false)) {
      select(0, false);
    }
    return { panelOf: panelOf };
  }

  function foldActions() {
    var actions = document.getElementById("deal-actions");
    if (actions && window.matchMedia && window.matchMedia("(max-width: 40rem)").matches) {
      actions.open = false;
    }
  }

  function drawDiagram() {
    var box = document.getElementById("bpmn-viewer");
    var canvasBox = document.getElementById("bpmn-canvas");
    if (!box || !canvasBox || typeof window.BpmnJS !== "function") { return; }
    var viewer = new window.BpmnJS({ container: canvasBox });
    var canvas = null;
    var current = (box.getAttribute("data-current") || "").split(" ").filter(Boolean);
    var done = (box.getAttribute("data-done") || "").split(" ").filter(Boolean);
    var drawn = false;

    function onScreen(ids) {
      var registry = viewer.get("elementRegistry");
      return ids.map(function (id) { return registry.get(id); }).filter(Boolean);
    }

    function fit() {
      canvas.resized();
      if (!canvasBox.clientWidth) { return; }  // its tab is hidden: fitted when it shows
      canvas.zoom("fit-viewport", "auto");
      var focus = onScreen(current)[0];
      if (canvas.zoom() < 0.55 && focus) {  // too small to read (a phone): the current step, readable
        canvas.zoom(0.8);
        canvas.scrollToElement(focus);
      }
    }

    fetch(box.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("the diagram's file answered " + response.status); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        canvas = viewer.get("canvas");
        onScreen(done).forEach(function (el) { canvas.addMarker(el, "df-done"); });
        onScreen(current).forEach(function (el) { canvas.addMarker(el, "df-current"); });
        box.hidden = false;
        document.getElementById("diagram-fallback").hidden = true;
        drawn = true;
        fit();
        box.setAttribute("data-ready", "true");
      })
      .catch(function (error) {
        window.console.warn("bpmn-js could not draw the process; the server's drawing stays:", error);
        box.hidden = true;
        document.getElementById("diagram-fallback").hidden = false;
        viewer.destroy();
      });

    function zoomBy(factor) {
      if (canvas) { canvas.zoom(canvas.zoom() * factor); }
    }
    document.getElementById("bpmn-zoom-in").addEventListener("click", function () { zoomBy(1.25); });
    document.getElementById("bpmn-zoom-out").addEventListener("click", function () { zoomBy(0.8); });
    document.getElementById("bpmn-fit").addEventListener("click", function () { if (canvas) { fit(); } });
    document.getElementById("bpmn-current").addEventListener("click", function () {
      var focus = canvas && onScreen(current)[0];
      if (focus) { canvas.zoom(Math.max(canvas.zoom(), 0.8)); canvas.scrollToElement(focus); }
    });
    // Drawn while its tab was hidden it has no size yet: fit it when its tab shows.
    document.addEventListener("deal-tab-shown", function () {
      if (drawn) { fit(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpTabs();
    foldActions();
    drawDiagram();
  });
}());
