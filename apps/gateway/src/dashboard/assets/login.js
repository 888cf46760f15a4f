// The dashboard's login: trades the admin token for a session cookie (set HttpOnly by the server).
'use strict';

document.addEventListener('DOMContentLoaded', function () {
  var form = document.getElementById('login-form');
  var error = document.getElementById('login-error');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    error.hidden = true;
    fetch('/dashboard/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ token: document.getElementById('token').value }),
    })
      .then(function (answer) {
        if (answer.status === 204) {
          window.location.assign('/dashboard');
          return;
        }
        return answer.json().then(function (body) {
          error.textContent =
            answer.status === 401 ? 'Wrong admin token.' : String(body.message || answer.status);
          error.hidden = false;
        });
      })
      .catch(function (failure) {
        error.textContent = 'Could not reach the gateway: ' + failure.message;
        error.hidden = false;
      });
  });
});
