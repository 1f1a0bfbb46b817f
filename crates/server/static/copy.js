// Copy buttons: a button with data-copy puts that text on the clipboard and says so
// for two seconds (its data-copied label). Without this script the buttons stay
// hidden and the values can still be selected by hand. Where the Clipboard API is
// missing (a page not served over HTTPS), the value is selected for the reader to copy.
(function () {
  "use strict";
  function copied(button, label) {
    button.textContent = button.getAttribute("data-copied") || label;
    setTimeout(function () { button.textContent = label; }, 2000);
  }
  function select(button) {
    var value = button.parentNode.querySelector(".copyable");
    if (!value) return;
    var range = document.createRange();
    range.selectNodeContents(value);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { copied(button, label); }, function () { select(button); });
      } else {
        select(button);
      }
    });
  });
})();
