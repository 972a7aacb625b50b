// A "Copy" button (data-copy names the field) copies the field's text and says so in the
// page's status line (#copy-status), which a screen reader announces.
(function () {
  var status = document.getElementById("copy-status");
  function say(text) {
    if (status) status.textContent = text;
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.querySelector(button.getAttribute("data-copy"));
      if (!field) return;
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () { say("Address copied."); },
          function () { say("Select the address and copy it."); }
        );
      } else {
        // Without the clipboard API (plain http), the address is selected for the user.
        say(document.execCommand && document.execCommand("copy") ? "Address copied." : "Select the address and copy it.");
      }
    });
  });
})();
