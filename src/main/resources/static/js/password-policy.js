// Checks the password rules while the user types. The server checks the same rules again;
// this only shows early which rules are met.
(function () {
  "use strict";
  var password = document.getElementById("password");
  var confirm = document.getElementById("confirm");
  var status = document.getElementById("confirm-status");
  if (!password || !confirm) {
    return;
  }
  var checks = {
    MIN_LENGTH: function (v) { return v.length >= 8; },
    MAX_LENGTH: function (v) { return v.length <= 256; },
    CHARACTERS: function (v) { return /^[A-Za-z0-9@$!%*?&]*$/.test(v); },
    UPPER_CASE: function (v) { return /[A-Z]/.test(v); },
    LOWER_CASE: function (v) { return /[a-z]/.test(v); },
    DIGIT: function (v) { return /[0-9]/.test(v); },
    SPECIAL: function (v) { return /[@$!%*?&]/.test(v); }
  };

  function update() {
    var value = password.value;
    document.querySelectorAll("li.rule").forEach(function (item) {
      var check = checks[item.getAttribute("data-rule")];
      var met = check ? check(value) : false;
      item.classList.toggle("met", met);
      item.classList.toggle("unmet", !met && value.length > 0);
    });
    if (confirm.value.length === 0) {
      status.textContent = "";
      status.className = "hint";
    } else if (confirm.value === value) {
      status.textContent = status.getAttribute("data-match");
      status.className = "hint met";
    } else {
      status.textContent = status.getAttribute("data-mismatch");
      status.className = "hint unmet";
    }
  }

  password.addEventListener("input", update);
  confirm.addEventListener("input", update);
  var errors = document.getElementById("errors");
  if (errors) {
    errors.focus();
  }
})();
