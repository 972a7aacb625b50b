// The rota board's one behaviour beyond Bootstrap and htmx: a closed session dialog forgets its
// session, so the next card opened never shows the previous one's details while it loads.
(function () {
  var modal = document.getElementById("session-modal");
  if (!modal) return;
  modal.addEventListener("hidden.bs.modal", function () {
    modal.querySelector(".modal-content").innerHTML =
      '<div class="modal-header"><h2 class="modal-title h5" id="session-modal-title">Session</h2></div>' +
      '<div class="modal-body">Loading…</div>';
  });
})();
