// The ops dashboard: reads GET /dashboard/api/summary every few seconds and redraws. Plain DOM
// (textContent only: names come from workspaces and providers and are never parsed as HTML).
'use strict';

(function () {
  var REFRESH_MS = 3000;
  var COLORS = [
    '#2563eb',
    '#dc2626',
    '#16a34a',
    '#d97706',
    '#7c3aed',
    '#0891b2',
    '#db2777',
    '#4b5563',
    '#65a30d',
    '#9333ea',
  ];
  var charts = { balance: null, burn: null };
  var colorOf = {};

  function color(provider) {
    if (!colorOf[provider]) {
      colorOf[provider] = COLORS[Object.keys(colorOf).length % COLORS.length];
    }
    return colorOf[provider];
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '—' : String(text);
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function fill(tableId, items, render) {
    var body = document.querySelector('#' + tableId + ' tbody');
    var rows = items.map(function (item) {
      var row = document.createElement('tr');
      render(row, item);
      return row;
    });
    body.replaceChildren.apply(body, rows);
  }

  function number(value) {
    return value === null || value === undefined
      ? '—'
      : Number(value).toLocaleString('en-US', { maximumFractionDigits: 2 });
  }

  function percent(value) {
    return value === null || value === undefined ? '—' : (value * 100).toFixed(1) + '%';
  }

  function when(iso) {
    return iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—';
  }

  function renderProviders(providers) {
    fill('providers', providers, function (row, p) {
      row.dataset.provider = p.provider;
      cell(row, p.provider);
      cell(row, p.unlimited ? 'unlimited' : number(p.balance), 'num balance');
      cell(row, number(p.reserved), 'num');
      cell(row, number(p.burn_rate_per_day), 'num');
      cell(row, when(p.forecast_exhaustion));
      var state = p.paused ? 'paused (' + p.pause.by + ')' : 'running';
      var stateCell = cell(row, state, 'queue-state state-' + (p.paused ? 'paused' : 'running'));
      if (p.paused) {
        stateCell.title = p.pause.reason + ' since ' + when(p.pause.since);
      }
      cell(row, p.circuit, 'circuit circuit-' + p.circuit);
    });
  }

  function usageRow(row, name, u) {
    cell(row, name);
    cell(row, number(u.calls), 'num');
    cell(row, number(u.hits), 'num');
    cell(row, percent(u.hit_rate), 'num');
    cell(row, number(u.credits), 'num');
  }

  function renderCharts(summary) {
    if (typeof Chart === 'undefined') {
      return;
    }
    var balanceData = {
      datasets: summary.balance_history.map(function (series) {
        return {
          label: series.provider,
          borderColor: color(series.provider),
          backgroundColor: color(series.provider),
          stepped: true,
          data: series.points.map(function (point) {
            return { x: Date.parse(point.at), y: point.balance };
          }),
        };
      }),
    };
    if (!charts.balance) {
      charts.balance = new Chart(document.getElementById('balance-chart'), {
        type: 'line',
        data: balanceData,
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: {
            x: {
              type: 'linear',
              ticks: {
                callback: function (value) {
                  return new Date(value).toISOString().slice(5, 16).replace('T', ' ');
                },
              },
            },
            y: { beginAtZero: true },
          },
        },
      });
    } else {
      charts.balance.data = balanceData;
      charts.balance.update();
    }

    var days = Array.from(
      new Set(
        summary.burn.map(function (b) {
          return b.day;
        }),
      ),
    ).sort();
    var providers = Array.from(
      new Set(
        summary.burn.map(function (b) {
          return b.provider;
        }),
      ),
    ).sort();
    var burnData = {
      labels: days,
      datasets: providers.map(function (provider) {
        return {
          label: provider,
          backgroundColor: color(provider),
          data: days.map(function (day) {
            var found = summary.burn.find(function (b) {
              return b.day === day && b.provider === provider;
            });
            return found ? found.credits : 0;
          }),
        };
      }),
    };
    if (!charts.burn) {
      charts.burn = new Chart(document.getElementById('burn-chart'), {
        type: 'bar',
        data: burnData,
        options: {
          animation: false,
          maintainAspectRatio: false,
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
        },
      });
    } else {
      charts.burn.data = burnData;
      charts.burn.update();
    }
  }

  function render(summary) {
    renderProviders(summary.providers);
    fill('spend-providers', summary.spend_by_provider, function (row, u) {
      usageRow(row, u.provider, u);
    });
    fill('spend-workspaces', summary.spend_by_workspace, function (row, u) {
      usageRow(row, u.workspace, u);
    });
    fill('queues', summary.queues, function (row, q) {
      row.dataset.queue = q.name;
      cell(row, q.name);
      ['waiting', 'active', 'delayed', 'prioritized', 'failed'].forEach(function (state) {
        cell(row, number(q.counts[state] || 0), 'num');
      });
    });
    var list = document.getElementById('alerts');
    var items = summary.alerts.map(function (alert) {
      var li = document.createElement('li');
      li.className = 'severity-' + alert.severity;
      li.textContent = when(alert.created_at) + ' · ' + alert.severity + ' · ' + alert.title;
      return li;
    });
    if (items.length === 0) {
      var none = document.createElement('li');
      none.textContent = 'No alerts.';
      items.push(none);
    }
    list.replaceChildren.apply(list, items);
    renderCharts(summary);
    var updated = document.getElementById('updated');
    updated.textContent = 'updated ' + when(summary.generated_at).replace(' UTC', '') + ' UTC';
    updated.dataset.generatedAt = summary.generated_at;
  }

  function refresh() {
    fetch('/dashboard/api/summary', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (answer) {
        if (answer.status === 401) {
          window.location.assign('/dashboard/login');
          return null;
        }
        if (!answer.ok) {
          throw new Error('summary answered ' + answer.status);
        }
        return answer.json();
      })
      .then(function (summary) {
        if (summary) {
          document.getElementById('error').hidden = true;
          render(summary);
        }
      })
      .catch(function (failure) {
        var error = document.getElementById('error');
        error.textContent = 'Refresh failed: ' + failure.message;
        error.hidden = false;
      })
      .finally(function () {
        window.setTimeout(refresh, REFRESH_MS);
      });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.getElementById('logout').addEventListener('click', function () {
      fetch('/dashboard/logout', { method: 'POST', credentials: 'same-origin' }).finally(function () {
        window.location.assign('/dashboard/login');
      });
    });
    refresh();
  });
})();
