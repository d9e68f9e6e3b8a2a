// Fetches the folder list and message list again, on the Refresh link and on a timer, and
// replaces them without reloading the page or the reading pane.
(function () {
  'use strict';

  function lists() {
    return document.getElementById('lists');
  }

  function refresh() {
    var current = lists();
    if (!current) {
      return Promise.resolve();
    }
    var url = current.getAttribute('data-refresh-url');
    return fetch(url, {credentials: 'same-origin', headers: {'Accept': 'text/html'}})
      .then(function (response) {
        if (response.redirected || !response.ok) {
          // The session ended: a full load shows the login page.
          window.location.reload();
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var parsed = new DOMParser().parseFromString(html, 'text/html');
        var fresh = parsed.getElementById('lists');
        if (fresh) {
          var focusedId = document.activeElement ? document.activeElement.id : null;
          lists().replaceWith(document.importNode(fresh, true));
          if (focusedId && document.getElementById(focusedId)) {
            document.getElementById(focusedId).focus();
          }
          document.body.setAttribute('data-refreshed', String(Date.now()));
        }
      });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var button = document.getElementById('refresh');
    if (button) {
      button.addEventListener('click', function (event) {
        event.preventDefault();
        refresh();
      });
    }
    var current = lists();
    var seconds = current ? parseInt(current.getAttribute('data-refresh-seconds'), 10) : 0;
    if (seconds > 0) {
      window.setInterval(refresh, seconds * 1000);
    }
  });
}());
