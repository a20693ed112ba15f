// seva: a little help where JavaScript runs; every page works without it.
// - a button marked data-once is disabled after its form is sent, so a second tap sends nothing twice
//   (the server files one application whatever happens: this only saves a wasted round trip);
// - an error summary takes the focus, so a screen reader reads it first.
document.addEventListener("submit", function (event) {
  var button = event.target.querySelector("[data-once]");
  if (button) {
    window.setTimeout(function () { button.disabled = true; }, 0);
  }
});
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }
});
