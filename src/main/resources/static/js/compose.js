// The compose page: reveals Cc and Bcc, completes addresses from the address book, saves the
// draft every 30 seconds while it changes and when the page is left, and checks the size of
// chosen files before they are uploaded.
(function () {
  'use strict';

  var AUTOSAVE_MS = 30000;
  // Base64 turns 3 bytes into 4 and adds a line break every 76 characters.
  var BASE64_GROWTH = 4 / 3 * 78 / 76;

  var form, dirty = false, submitting = false, saving = null;

  function byId(id) {
    return document.getElementById(id);
  }

  function draftData() {
    var data = new FormData(form);
    data.delete('files');
    data.delete('action');
    return data;
  }

  function applySaved(result) {
    byId('draft-id').value = String(result.draft);
    var items = form.querySelectorAll('#attachment-list li.attachment');
    (result.attachments || []).forEach(function (ref, index) {
      var item = items[index];
      if (!item) {
        return;
      }
      item.querySelector('input[name=keep]').value = ref;
      item.querySelector('button.remove-attachment').value = 'remove:' + ref;
    });
  }

  // With keepalive, the request outlives the page when it is closed, and its response still
  // updates the page when the user only switched tabs.
  function autosave(keepalive) {
    if (!dirty || submitting || saving) {
      return saving || Promise.resolve();
    }
    dirty = false;
    var status = byId('autosave-status');
    saving = fetch(form.getAttribute('data-autosave-url'), {
      method: 'POST', body: draftData(), credentials: 'same-origin', keepalive: keepalive === true,
      headers: {'Accept': 'application/json'}
    }).then(function (response) {
      return response.json().then(function (result) {
        if (response.ok) {
          applySaved(result);
          status.textContent = form.getAttribute('data-saved');
          document.body.setAttribute('data-autosaved', String(result.draft));
        } else {
          status.textContent = result.error || '';
          dirty = true;
        }
      });
    }).catch(function () {
      dirty = true;
    }).then(function () {
      saving = null;
    });
    return saving;
  }

  // The Fetch standard fails keepalive requests whose bodies add up to more than 64 KiB. A longer
  // draft is therefore saved without keepalive. That save survives a tab switch but may be
  // cancelled when the page closes, so only the changes since the last timed save can be lost.
  var KEEPALIVE_MAX_CHARS = 15000;

  function saveOnLeave() {
    var chars = 0;
    ['to', 'cc', 'bcc', 'subject', 'body'].forEach(function (id) {
      chars += byId(id).value.length;
    });
    // A character takes up to 4 bytes in UTF-8.
    autosave(chars <= KEEPALIVE_MAX_CHARS);
  }

  function existingBytes() {
    var total = 0;
    form.querySelectorAll('#attachment-list [data-bytes]').forEach(function (span) {
      total += parseInt(span.getAttribute('data-bytes'), 10) || 0;
    });
    return total;
  }

  function checkSize(event) {
    var files = byId('files').files;
    var chosen = 0;
    for (var i = 0; i < files.length; i++) {
      chosen += files[i].size;
    }
    if (chosen === 0) {
      return true;
    }
    var estimate = (existingBytes() + chosen) * BASE64_GROWTH + byId('body').value.length * 3;
    if (estimate <= parseInt(form.getAttribute('data-max-bytes'), 10)) {
      return true;
    }
    event.preventDefault();
    var error = byId('client-error');
    error.textContent = form.getAttribute('data-too-large');
    error.hidden = false;
    byId('files').value = '';
    byId('files').focus();
    // The text typed so far is kept as a draft. Only the files are left out.
    dirty = true;
    autosave(false);
    return false;
  }

  // Address completion on the last address of To, Cc or Bcc.
  var suggestions, activeField = null, active = -1, lookup = 0;

  function lastToken(value) {
    var cut = Math.max(value.lastIndexOf(','), value.lastIndexOf(';'));
    return value.substring(cut + 1).trim();
  }

  function closeSuggestions() {
    suggestions.hidden = true;
    suggestions.innerHTML = '';
    active = -1;
    if (activeField) {
      activeField.removeAttribute('aria-activedescendant');
    }
  }

  function choose(entry) {
    var value = activeField.value;
    var cut = Math.max(value.lastIndexOf(','), value.lastIndexOf(';'));
    var before = cut < 0 ? '' : value.substring(0, cut + 1) + ' ';
    var name = entry.name ? '"' + entry.name.replace(/["\\]/g, '') + '" ' : '';
    activeField.value = before + name + '<' + entry.email + '>, ';
    dirty = true;
    closeSuggestions();
    activeField.focus();
  }

  function highlight(index) {
    var items = suggestions.querySelectorAll('li');
    items.forEach(function (item, i) {
      item.setAttribute('aria-selected', i === index ? 'true' : 'false');
    });
    active = index;
    if (items[index]) {
      activeField.setAttribute('aria-activedescendant', items[index].id);
    }
  }

  function suggest(field) {
    var token = lastToken(field.value);
    var ticket = ++lookup;
    if (token.length < 2) {
      closeSuggestions();
      return;
    }
    var url = form.getAttribute('data-addresses-url') + '?q=' + encodeURIComponent(token);
    fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (response) {
        return response.ok ? response.json() : [];
      })
      .then(function (entries) {
        if (ticket !== lookup) {
          return;
        }
        activeField = field;
        suggestions.innerHTML = '';
        entries.forEach(function (entry, index) {
          var item = document.createElement('li');
          item.id = 'suggestion-' + index;
          item.setAttribute('role', 'option');
          item.textContent = (entry.name ? entry.name + ' ' : '') + '<' + entry.email + '>';
          item.addEventListener('mousedown', function (event) {
            event.preventDefault();
            choose(entry);
          });
          item.entry = entry;
          suggestions.appendChild(item);
        });
        suggestions.hidden = entries.length === 0;
        field.parentNode.insertBefore(suggestions, field.nextSibling);
        if (entries.length > 0) {
          highlight(0);
        }
      });
  }

  function onKey(event) {
    if (suggestions.hidden) {
      return;
    }
    var items = suggestions.querySelectorAll('li');
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      highlight(Math.min(active + 1, items.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === 'Enter' && items[active]) {
      event.preventDefault();
      choose(items[active].entry);
    } else if (event.key === 'Escape') {
      closeSuggestions();
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    form = byId('compose-form');
    if (!form) {
      return;
    }
    suggestions = byId('suggestions');
    var toggle = byId('show-copies');
    toggle.addEventListener('click', function () {
      var copies = byId('copies');
      copies.hidden = !copies.hidden;
      toggle.setAttribute('aria-expanded', copies.hidden ? 'false' : 'true');
      if (!copies.hidden) {
        byId('cc').focus();
      }
    });
    ['to', 'cc', 'bcc'].forEach(function (id) {
      var field = byId(id);
      field.addEventListener('input', function () {
        suggest(field);
      });
      field.addEventListener('keydown', onKey);
      field.addEventListener('blur', function () {
        window.setTimeout(closeSuggestions, 150);
      });
    });
    form.addEventListener('input', function () {
      dirty = true;
    });
    form.addEventListener('submit', function (event) {
      if (!checkSize(event)) {
        return;
      }
      submitting = true;
    });
    window.setInterval(function () {
      autosave(false);
    }, AUTOSAVE_MS);
    window.addEventListener('pagehide', saveOnLeave);
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') {
        saveOnLeave();
      }
    });
  });
}());
