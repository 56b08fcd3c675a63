/* The pipeline board's drag and drop (webui/templates/board.html), with SortableJS
   from node_modules (served under /static/vendor/). A stage move is a process step:
   dropping a card on a column opens the task form of the open task that leads there
   (the card's data-moves, computed by the engine from the methodology); the card stays
   where it is until that task is completed. A drop on a column no open task leads to
   snaps back with a message. Without this script every card's "Move to…" menu does
   the same with links. */
(function () {
  "use strict";
  if (typeof Sortable === "undefined") { return; }
  var message = document.getElementById("board-message");

  function say(text, kind) {
    message.textContent = text;
    message.className = "flash flash-" + kind;
    message.hidden = false;
  }

  function putBack(evt) {
    var item = evt.item;
    item.parentNode.removeChild(item);
    evt.from.insertBefore(item, evt.from.children[evt.oldIndex] || null);
  }

  function leadsTo(moves) {
    var names = Object.keys(moves).map(function (id) { return moves[id].stage; });
    return names.length ? " Its open steps lead to: " + names.join(", ") + "."
                        : " No open task you can complete moves it to another stage now.";
  }

  document.querySelectorAll(".board-cards").forEach(function (list) {
    Sortable.create(list, {
      group: "board-" + list.dataset.board,  /* a card never leaves its methodology version */
      draggable: ".board-card.status-open",
      filter: "summary, details ul, details p, details form",  /* the menus and forms on a card */
      preventOnFilter: false,
      delay: 180,
      delayOnTouchOnly: true,  /* on a phone a short touch scrolls; a long press drags */
      forceFallback: true,  /* pointer events, the same with a mouse, a pen and a finger */
      onEnd: function (evt) {
        if (evt.to === evt.from) {
          if (evt.oldIndex !== evt.newIndex) { putBack(evt); }
          return;
        }
        var card = evt.item;
        var moves = JSON.parse(card.dataset.moves || "{}");
        var move = moves[evt.to.dataset.stage];
        var title = card.dataset.title;
        var target = evt.to.dataset.stageName;
        putBack(evt);  /* the card moves when the step is done, not before */
        if (move) {
          say("Opening “" + move.task + "”: complete it to move “" + title + "” to " + target + ".", "info");
          window.location.assign(move.url);
        } else {
          say("“" + title + "” cannot move to " + target + " from here: no open task of this deal leads there." +
              leadsTo(moves), "error");
          card.focus();
        }
      }
    });
  });
})();
